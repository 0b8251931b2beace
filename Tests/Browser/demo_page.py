"""The web demo page in a real browser (headless Chromium through Playwright).

Opens WEB/demo, which sends the browser through /oauth/start to the fake WeChat's authorize page and
back through /oauth/callback; the page then shows the openid and nickname from /oauth/me, asks
/jssdk/config for its own URL, and the fake jweixin.js's wx.config checks that signature against the
fake's jsapi_ticket: the page's own JavaScript prints "config ok". A screenshot is saved.

The session cookie the browser got is then verified the way README's "Hand-off" shows it in Python
(PyJWT, HS256 with the shared secret, audience = the AppID, issuer = wechat-relay).

usage: demo_page.py WEB_BASE CHROMIUM_PATH SCREENSHOT_PATH SESSION_SECRET APPID
"""
import sys

import jwt
from playwright.sync_api import sync_playwright


def main() -> int:
    base, chromium, screenshot, secret, appid = sys.argv[1:6]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        visited = []
        page.on("request", lambda request: visited.append(request.url) if request.is_navigation_request() else None)
        page.goto(base + "/demo")
        try:
            page.wait_for_selector("#config", timeout=20_000)
        finally:
            page.screenshot(path=screenshot, full_page=True)
        config = page.inner_text("#config")
        openid = page.inner_text("#openid") if page.query_selector("#openid") else ""
        nickname = page.inner_text("#nickname") if page.query_selector("#nickname") else ""
        cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
        browser.close()

    print("browser: visited " + " -> ".join(url.split("?")[0] for url in visited))
    print(f"browser: page says {openid!r}, {nickname!r}, {config!r}")
    failures = []
    if not any("/connect/oauth2/authorize" in url for url in visited):
        failures.append("the page never went through the authorize page")
    if not openid.startswith("openid: o"):
        failures.append("the page shows no openid")
    if not nickname.startswith("nickname: "):
        failures.append("the page shows no nickname (scope userinfo)")
    if config != "config ok":
        failures.append(f"wx.config did not succeed: {config!r}")
    session = cookies.get("wx_session")
    if session is None:
        failures.append("no wx_session cookie was set")
    else:
        if not session.get("httpOnly"):
            failures.append("the wx_session cookie is not HttpOnly")
        # README's Python example, as a team's own server would run it.
        claims = jwt.decode(session["value"], secret, algorithms=["HS256"], audience=appid, issuer="wechat-relay")
        print(f"browser: the session JWT verifies with PyJWT: sub={claims['sub']}, scope={claims['scope']}")
        if "openid: " + claims["sub"] != openid:
            failures.append("the JWT's subject is not the openid the page shows")
    for failure in failures:
        print("browser: FAILED: " + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
