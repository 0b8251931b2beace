/// Test vectors from `shared/wechat-protocol.md` §10 and `shared/wechat-test-vectors.json`
/// (safe-mode vectors made with wechatpy), as Swift literals so tests need no files.
enum WeChatTestVectors {
    struct SignatureVector: Sendable {
        var token: String
        var timestamp: String
        var nonce: String
        var signature: String
    }

    struct SafeModeVector: Sendable {
        var token: String
        var encodingAESKey: String
        var appID: String
        var timestamp: String
        var nonce: String
        var random16: String
        var plaintextXML: String
        var encrypt: String
        var msgSignature: String
    }

    /// `signature` entries of wechat-test-vectors.json.
    static let signatures: [SignatureVector] = [
        SignatureVector(token: "pamtest", timestamp: "1409633845", nonce: "6c8bbc2a29", signature: "ebf45ab2a6d01419d5fe8515a951178d2251d6ed"),
        SignatureVector(token: "relaytoken", timestamp: "1409516717", nonce: "98014efb68", signature: "ccf966ff54fe97316f9025cfdf7269134fd80d74"),
    ]

    /// `safe_mode` entries of wechat-test-vectors.json.
    static let safeMode: [SafeModeVector] = [
        SafeModeVector(
            token: "pamtest", encodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", appID: "wxb11529c136998cb6",
            timestamp: "1409633845", nonce: "6c8bbc2a29", random16: "s3jtbxx31fz95h16",
            plaintextXML:
                "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId></xml>",
            encrypt:
                "IvlSTyaFTfSQPfM47Xqxy9GZpRSH1xIsK+DptSUoV6+fYkVYT6PvkbuQRQ4Vr1DP3C0ikQmpPu5LL44tzK46p9A/ruKK+WqBJIXN0zBJOx1XxcZH5/UcGl9j4tErWQn/zDjcijN2Nj3nRl6EWoDGInkXwSn1w58o+D8HVhysAvHpxXqtjlXcKiIgckOisSN5Jcnf04iXEYZpl0Kg6ilXeGYVlRT75Eb2g3k072+vAdsFXhzQCFwU7TylpMTN7rEGu2lf7nFSDwLsQCjaANW2MZPNjt1WEPNB0xPASkecAtg2lGMQuVjUiQ5fZ+lPtBidtlB8dcdGjqFjvhEyVUksdXF0EjjUyUTwpx99O7r0Pq0lOZbZxr0x2jAy3YYtst61z6j7s4DQMZh9LixXUlLvs666akogHUUZc1usJgaRGoI=",
            msgSignature: "85e653794f0221a340e19c55e65daec3671f9688"),
        SafeModeVector(
            token: "pamtest", encodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", appID: "wxb11529c136998cb6",
            timestamp: "1409633845", nonce: "6c8bbc2a29", random16: "5z7q0467boid7g14",
            plaintextXML:
                "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 😀 line1\nline2 ]]]]><![CDATA[> end]]></Content><MsgId>1234567890123456</MsgId></xml>",
            encrypt:
                "VQZX9HwQUhAG1GYdIxpJVx+v7e4DVBbUMXisxO+F7Og0xE88k5dFMf2Pc9Xjsq3agvIMCnw88C2LoA9ON4ur/vn6ipGuO5UW08OoZPrLKCXFbXj/v3vHl30fn+Dfezzsohyr6AV94Bj3jUplD7yk0ONPSmoivK6BHNqXm67clf5WUnPVX5zNABjdPfx90LJdK8HBBYnXuRPC0OEkXsbUlgUZ6eUQwGKVBLfXHeGCG73lrhgwkB+Eum/a49B5hafA+3IgMFQiGz/NiITD9MUDQoSqsexgMr1jJSOgC2WcYI47lIRNy4lD+I0R3QRz6j8uM04OA5NnCrCNK6Poes6OWdvcSLrdyW/N/MlTn1kXbQ0G8FzdhuB+ULYW5x2/3Qmyozx3heCEgXcVUo1NJJRsVSvvykXwmbxy8Gmqurlra7s=",
            msgSignature: "7f1bee2d108c4e04bd95d85afd604570b46d83f3"),
        SafeModeVector(
            token: "pamtest", encodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", appID: "wxb11529c136998cb6",
            timestamp: "1409633845", nonce: "6c8bbc2a29", random16: "j4oh348q9zt964z1",
            plaintextXML:
                "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1700000001</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket></xml>",
            encrypt:
                "5R0wzRDIm23/nl7vFEi72bQUaH34DHEBRcZrQeeHs7g6Hnvv1XHYZ27rnPESumL5pHDmYVeIAIbfUNBwPdOPKOv6OZnySuStUTa9rVrZUZmATvPio6JVX+o2vkcQvQMkfF9f5ggzuTVRuqwv9AtXuen3jANvqYHgAXeTgks6nNITMxwJovW5RFtyw+DjGWI+M4XNvTWMjC41HGpn2+NR2m3M+LafWq+pM1TxqiSOurvvO664jvX1prfJZ6hD4CpS0cjukkUG/8QYaqfG8LHIqtMoMd9hzSSwQXto6vF1FBqi6SvS2OrDCg7vhaX9SCOX68QdTDj0jOSzEdSHZTzhmAdGFmc5wnRWwcFzNI0GrZaTia1PxLUpk/L9JkCoClhrWlX8tmQc0DRKzSz5YNScTMuHdkaek1AkU69ZzUXeoD8nREVE7LVxVOfTXuYnoMCXl4sFrcdBlUDeZ/x+Shk1nA==",
            msgSignature: "ac5155bc358daf5dd4f3b6318cb055233f5ffc16"),
        SafeModeVector(
            token: "relaytoken", encodingAESKey: "huG8GP38g4o5MNJAYKJ1UXXFWXLCpaNfhs0gCa05RFR", appID: "wx0123456789abcdef",
            timestamp: "1409516717", nonce: "98014efb68", random16: "536519csu3g26q2l",
            plaintextXML:
                "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId></xml>",
            encrypt:
                "8x/Gsm2Mpvxeab1i8JQ5CxN1mARck9aTe6zKJGU1Ca4yhvmyP4PWYqd8cubuBbOtdD8SYuS6iMjEMtr/4UUvYDKMEyhDh7c8lYtyrjLs2efAGaD2deswwGz5wneJKA4fjETXZLgQqVdBwcpDPUqVeu4nn7DYRAJYBCbmIQU/8IW/0ANfuiumJu6aEFhILd2dl4siHfcUFPUD5bTmx7jeQfV3Fr/W6w8MBCd65aY+C6FQRhBzD8NkjrUyOTxla/qLBGVzVR8b22hl4DZ9U9tEetu3aeAyULZDYfMNQJva8BZfu4LBK4Xtqyxzy9QEcz+vY7kuBPhn8MLubpnjF4rshOvhChCOGHldofwWMEjTBwYhWs7zj+hAFCDfc/q3r2UtUuk5sk/wyiGid+t/TP3WXrzHknxv3lzK14iU5MvzKQc=",
            msgSignature: "39fa03779c68a6c4cbec3da0a7cd9e48ea2b8696"),
        SafeModeVector(
            token: "relaytoken", encodingAESKey: "huG8GP38g4o5MNJAYKJ1UXXFWXLCpaNfhs0gCa05RFR", appID: "wx0123456789abcdef",
            timestamp: "1409516717", nonce: "98014efb68", random16: "14er5xgm0j2afa28",
            plaintextXML:
                "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 😀 line1\nline2 ]]]]><![CDATA[> end]]></Content><MsgId>1234567890123456</MsgId></xml>",
            encrypt:
                "1ceI6EMbg4igJyB4VN/v1+gAWq4JRO1ZfJptzWXhxS8gAiRJnZQUQrGywlGDdBY6cZ0pYVYNR7Xt1TXjWnjqCwpqg92hAuJTwdyuW63+U7D/FEvUdDvJRbY3NNuDDBzzZIgxCm42Mg1lB3aGAUTasbrZT6gTenzU+k8Osy9N+/rdladARcM40rqMqfOuGV/mJTe4l3wcmLJ0fr4EAlQf+R5Opr7JYi3/u97L9c1wacJJCSOQGX71k4Rk1h+ieB1E43ghD4pBlycEGVcCEP9kv1PRAFCWbZd78ZWVJDq/XEzXJ8ZajnwQHUiXu5uAUU1wOe2aWeZ6KS4b2SusoZ0gkrpX/Uaoa7DTbxLUWUpKeRKVe9/1Y6nHYkI63gWIKBki3/tRVpmDdn5cOl8lRpQRETZwYVmBB9AkzAZpYY+6S/s=",
            msgSignature: "6fa4eb881195eb0688c19e383b4c026cd6e8fd27"),
        SafeModeVector(
            token: "relaytoken", encodingAESKey: "huG8GP38g4o5MNJAYKJ1UXXFWXLCpaNfhs0gCa05RFR", appID: "wx0123456789abcdef",
            timestamp: "1409516717", nonce: "98014efb68", random16: "fmphc8rwjau5i8o4",
            plaintextXML:
                "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1700000001</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket></xml>",
            encrypt:
                "Yh9gkPEP4tWHrjzPt2qQtLYPQmx4BXdYAxtY593TweCco8gMvjbUOI7yfSgdLrspLt0FcjYtT4z6X5/OQtwEKcv8VmlEsqgJR3uDXh8hl2TJ4lvvHPATHsypVPrMpjZXXqFpePxWOpKdmq8j+2CkCSPeKyUVVjaOLuR9TNId8q5NAGYxDwMJ2o+p6zWkXHIJoVPKzOWOX15H3K50gozMVTvfMX6ew51wm8576oDiw5n7pESe2s6/6Udwn+Dhoxf+fdGSrcx4/QuciuZEn1lXEZ5vYeCt5W0k+LBuNEJcMV8bwCzD3obcmf/RW3yjKxPPmUjgKOKFZCRqoucG+m0WxTSGRaJ8Cu0cBuESf3UENMf887GEFL89vQIkSNtcBNX29k1v+Wi6e/1dwASMycDYPW0DpSX5QU5/zXQIcOlvja2CLQ17rKEJiK4dZQJdu9z8gAwgUoQNORn9V478qydy2g==",
            msgSignature: "f0cf7abeee4a05f2cee46de6ad27cfae59bbb4eb"),
    ]
}
