import Testing

@testable import Worker

/// `worker menu check`: one test per rule WeChat enforces, each naming the offending button.
@Suite struct MenuValidatorTests {
    /// Every button type WeChat documents, as its docs write them: accepted as is.
    static let everyType = """
        button:
          - type: click
            name: 今日歌曲
            key: V1001_TODAY_MUSIC
          - name: 菜单
            sub_button:
              - {type: view, name: 搜索, url: "http://www.soso.com/"}
              - {type: miniprogram, name: wxa, url: "http://mp.weixin.qq.com", appid: wx286b93c14bbf93aa, pagepath: pages/lunar/index}
              - {type: scancode_push, name: 扫码推事件, key: rselfmenu_0_1}
              - {type: scancode_waitmsg, name: 扫码带提示, key: rselfmenu_0_0}
              - {type: pic_sysphoto, name: 系统拍照发图, key: rselfmenu_1_0}
          - name: 发图
            sub_button:
              - {type: pic_photo_or_album, name: 拍照或者相册发图, key: rselfmenu_1_1}
              - {type: pic_weixin, name: 微信相册发图, key: rselfmenu_1_2}
              - {type: location_select, name: 发送位置, key: rselfmenu_2_0}
              - {type: media_id, name: 图片, media_id: MEDIA_ID1}
              - {type: article_id, name: 文章, article_id: ARTICLE_ID1}
        conditional:
          - matchrule: {client_platform_type: "2"}
            button:
              - {type: click, name: Android, key: ANDROID}
        """

    func problems(_ yaml: String) throws -> [MenuProblem] {
        MenuValidator.problems(in: try MenuParser.parse(yaml, file: "menu.yaml"))
    }

    func leaf(_ fields: String) -> String { "button:\n  - {\(fields)}\n" }

    @Test func everyButtonTypeFromWeChatsDocsPasses() throws {
        #expect(try problems(Self.everyType) == [])
    }

    @Test func oneToThreeTopButtons() throws {
        let four = "button:\n" + (1...4).map { "  - {type: click, name: B\($0), key: K\($0)}\n" }.joined()
        let found = try problems(four)
        #expect(found.map(\.errcode) == [40016])
        #expect(found.first?.description.contains("4 top buttons") == true)
        #expect(try problems("button: []\n").map(\.errcode) == [40016])
    }

    @Test func oneToFiveSubButtons() throws {
        let six = "button:\n  - name: More\n    sub_button:\n" + (1...6).map { "      - {type: click, name: S\($0), key: K\($0)}\n" }.joined()
        let found = try problems(six)
        #expect(found.map(\.errcode) == [40023])
        #expect(found.first?.location == #"button 1 "More""#)
        #expect(throws: MenuFileError.self) { try MenuParser.parse("button:\n  - name: Empty\n    sub_button: []\n", file: "m.yaml") }
    }

    @Test func topNameAtMostSixteenBytes() throws {
        // Six CJK characters are 18 bytes in UTF-8: WeChat counts bytes, not characters.
        let found = try problems(leaf("type: click, name: 六个汉字名字, key: K"))
        #expect(found.map(\.errcode) == [40018])
        #expect(found.first?.location == #"button 1 "六个汉字名字""#)
        #expect(found.first?.problem.contains("18 bytes") == true)
        #expect(try problems(leaf("type: click, name: 五个汉字名, key: K")) == [])
    }

    @Test func subButtonNameAtMostSixtyBytes() throws {
        let long = String(repeating: "x", count: 61)
        let found = try problems("button:\n  - name: Top\n    sub_button:\n      - {type: click, name: \(long), key: K}\n")
        #expect(found.map(\.errcode) == [40025])
        #expect(found.first?.location == #"button 1 "Top" › sub_button 1 "\#(long)""#)
    }

    @Test func keyAtMost128Bytes() throws {
        let found = try problems(leaf("type: click, name: Go, key: \(String(repeating: "k", count: 129))"))
        #expect(found.map(\.errcode) == [40019])
        #expect(found.first?.location == #"button 1 "Go""#)
    }

    @Test func urlAtMost1024Bytes() throws {
        let url = "https://example.com/" + String(repeating: "a", count: 1_010)
        let found = try problems("button:\n  - name: Top\n    sub_button:\n      - {type: view, name: Site, url: \"\(url)\"}\n")
        #expect(found.map(\.errcode) == [40027])
        #expect(found.first?.location.hasSuffix(#"sub_button 1 "Site""#) == true)
    }

    @Test(arguments: [
        ("type: click, name: A", "needs key", 40019),
        ("type: view, name: A", "needs url", 40020),
        ("type: miniprogram, name: A, url: \"http://a.b\", appid: wx1", "needs pagepath", 40097),
        ("type: media_id, name: A", "needs media_id", 40097),
        ("type: article_id, name: A", "needs article_id", 40097),
        ("type: location_select, name: A", "needs key", 40019),
    ])
    func requiredFieldsPerType(fields: String, problem: String, errcode: Int) throws {
        let found = try problems(leaf(fields))
        #expect(found.count == 1)
        #expect(found.first?.problem.contains(problem) == true, "\(found)")
        #expect(found.first?.errcode == errcode)
        #expect(found.first?.location == #"button 1 "A""#)
    }

    @Test func knownTypesOnly() throws {
        let found = try problems(leaf("type: Click, name: A, key: K"))
        #expect(found.map(\.errcode) == [40017])
        #expect(found.first?.problem.contains("unknown type 'Click'") == true)
        #expect(try problems(leaf("name: A, key: K")).map(\.errcode) == [40017])
    }

    @Test func conditionalMatchrulesWithoutPrivacyFields() throws {
        let yaml = "button:\n  - {type: click, name: A, key: K}\nconditional:\n  - matchrule: {sex: \"1\"}\n    button:\n      - {type: click, name: B, key: K}\n"
        let found = try problems(yaml)
        #expect(found.map(\.errcode) == [65320])
        #expect(found.first?.location == "conditional 1")
        let nested = try problems("button:\n  - {type: click, name: A, key: K}\nconditional:\n  - matchrule: {tag_id: \"2\"}\n    button:\n      - {type: view, name: B}\n")
        #expect(nested.first?.location == #"conditional 1 › button 1 "B""#)
    }

    @Test func fileProblemsNameTheLine() {
        func error(_ yaml: String) -> MenuFileError? {
            do {
                _ = try MenuParser.parse(yaml, file: "menu.yaml")
                return nil
            } catch {
                return error
            }
        }
        let typo = error("button:\n  - type: click\n    name: A\n    kee: K\n")
        #expect(typo?.line == 4)
        #expect(typo?.description.contains("kee") == true)
        #expect(error("menu:\n  button: []\n")?.problem.contains("menu/get") == true)
        #expect(error("button: [unclosed\n")?.problem.contains("not valid YAML") == true)
        #expect(error("conditional: []\n")?.problem.contains("no button list") == true)
        #expect(error("- just a list\n") != nil)
    }

    @Test func diffAndYAMLRoundTrip() throws {
        let menu = try MenuParser.parse(Self.everyType, file: "menu.yaml")
        #expect(MenuDiff.changes(from: menu, to: menu) == [])
        let reread = try MenuParser.parse(MenuYAML.render(menu), file: "get.yaml")
        #expect(reread == menu)
        var renamed = menu
        renamed.buttons[0].fields["name"] = "Songs"
        #expect(
            MenuDiff.changes(from: menu, to: renamed) == [
                #"- button 1 "今日歌曲": click key=V1001_TODAY_MUSIC"#, #"+ button 1 "Songs": click key=V1001_TODAY_MUSIC"#,
            ])
    }
}
