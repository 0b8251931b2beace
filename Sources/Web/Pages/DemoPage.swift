/// The demo page (`GET /demo`, with `WEB_DEMO_PAGE=true`): what a team copies. It signs in through
/// `/oauth/start` (scope `userinfo`), shows the openid and nickname from `/oauth/me`, then configures the
/// JS-SDK with `/jssdk/config` for its own URL and prints `config ok` from `wx.ready`.
///
/// It reads the session from the `wx_session` cookie; when a webview dropped the cookie it redeems the
/// `wx_ticket` of its URL instead and uses the JWT as a bearer token.
enum DemoPage {
    static func html(jssdkScript: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
        <title>WeChat Relay web demo</title>
        <script src="\(WebPage.escape(jssdkScript))"></script></head>
        <body style="font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem">
        <h1 style="font-size:1.3rem">WeChat Relay: web demo</h1>
        <div id="out"></div>
        <script>
        const out = document.getElementById('out');
        function line(id, text) { const p = document.createElement('p'); p.id = id; p.textContent = text; out.appendChild(p); }
        async function main() {
          const page = new URL(location.href);
          const ticket = page.searchParams.get('wx_ticket');
          let headers = {};
          let me = await fetch('/oauth/me', { credentials: 'same-origin' });
          if (me.status === 401 && ticket) {
            const redeemed = await fetch('/oauth/redeem', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ticket }) });
            if (redeemed.ok) {
              headers = { Authorization: 'Bearer ' + (await redeemed.json()).session };
              me = await fetch('/oauth/me', { headers });
            }
          }
          if (me.status === 401) {
            if (ticket) { line('status', 'signed in, but the session did not reach this page'); return; }
            page.searchParams.delete('wx_ticket');
            location.href = '/oauth/start?scope=userinfo&return=' + encodeURIComponent(page.href.split('#')[0]);
            return;
          }
          const who = await me.json();
          line('openid', 'openid: ' + who.openid);
          if (who.nickname) line('nickname', 'nickname: ' + who.nickname);
          const url = location.href.split('#')[0];
          const answer = await fetch('/jssdk/config?url=' + encodeURIComponent(url));
          const config = await answer.json();
          if (!answer.ok) { line('config', 'config failed: ' + config.error); return; }
          wx.config({ debug: false, appId: config.appId, timestamp: config.timestamp, nonceStr: config.nonceStr,
                      signature: config.signature, jsApiList: ['updateAppMessageShareData', 'chooseImage'] });
          wx.ready(function () { line('config', 'config ok'); });
          wx.error(function (result) { line('config', 'config failed: ' + result.errMsg); });
        }
        main().catch(function (error) { line('status', 'error: ' + error); });
        </script>
        </body></html>
        """
    }
}
