/// The JavaScript of the fake's `jweixin.js` stand-in: `wx.config` posts the config with the page's
/// `location.href` to the fake's `/wxsim/jssdk/verify` (where the script was loaded from), which checks
/// the signature as WeChat would; then `wx.ready` or `wx.error({errMsg})` callbacks run. Other `wx.*`
/// calls answer `{errMsg: "<name>:ok"}`.
enum FakeJWeixinScript {
    static let source = """
        (function () {
          var script = document.currentScript;
          var base = script ? new URL(script.src).origin : '';
          var readyCallbacks = [], errorCallbacks = [], state = 'idle', failure = null;
          function settle(result) {
            if (result.errMsg === 'config:ok') {
              state = 'ready';
              readyCallbacks.splice(0).forEach(function (callback) { callback(); });
            } else {
              state = 'failed'; failure = result;
              errorCallbacks.splice(0).forEach(function (callback) { callback(result); });
            }
          }
          var wx = {
            config: function (config) {
              state = 'pending';
              var body = JSON.stringify({ appId: config.appId, timestamp: Number(config.timestamp), nonceStr: config.nonceStr,
                                          signature: config.signature, url: location.href.split('#')[0] });
              fetch(base + '/wxsim/jssdk/verify', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: body })
                .then(function (response) { return response.json(); })
                .then(settle, function (error) { settle({ errMsg: 'config:fail ' + error }); });
            },
            ready: function (callback) { if (state === 'ready') callback(); else readyCallbacks.push(callback); },
            error: function (callback) { if (state === 'failed') callback(failure); else errorCallbacks.push(callback); },
            checkJsApi: function (options) { if (options && options.success) options.success({ errMsg: 'checkJsApi:ok' }); }
          };
          ['updateAppMessageShareData', 'updateTimelineShareData', 'chooseImage', 'getLocation', 'scanQRCode', 'closeWindow'].forEach(function (name) {
            wx[name] = function (options) { if (options && options.success) options.success({ errMsg: name + ':ok' }); };
          });
          window.wx = window.jWeixin = wx;
        })();
        """
}
