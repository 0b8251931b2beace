import ArgumentParser
import Shared

/// `worker menu check|diff|apply|get|delete`: the custom menu kept as code in `menu.yaml`.
struct MenuCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "menu", abstract: "Keep the account's custom menu in menu.yaml: check, diff, apply, get, delete.",
        subcommands: [Check.self, Diff.self, Apply.self, Get.self, Delete.self])

    /// `worker menu check FILE`: WeChat's limits, locally, before any API call.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check menu.yaml against WeChat's limits (no API call).")
        @Argument(help: "The menu file.") var file: String

        func run() async throws {
            let menu = try MenuCommand.loadChecked(file, command: "menu check")
            let subs = (menu.buttons + menu.conditional.flatMap(\.buttons)).reduce(0) { $0 + $1.subButtons.count }
            print("\(file): ok, \(menu.buttons.count) top buttons, \(subs) sub-buttons, \(menu.conditional.count) conditional menus")
        }
    }

    /// `worker menu diff FILE`: what `apply` would change; prints nothing when nothing would.
    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how menu.yaml differs from the menu in force (menu/get).",
            discussion: "Lines starting with - are only in the menu in force, + only in the file. Exit 0 and no output: no change; exit 1: changes.")
        @Argument(help: "The menu file.") var file: String
        @OptionGroup var account: AccountOptions

        func run() async throws {
            let wanted = try MenuCommand.loadChecked(file, command: "menu diff")
            let changes = try await account.session(command: "menu diff").run("menu diff") { api in
                MenuDiff.changes(from: try await MenuCommand.current(api).menu, to: wanted)
            }
            for line in changes { print(line) }
            if !changes.isEmpty { throw ExitCode(1) }
        }
    }

    /// `worker menu apply FILE [--dry-run]`.
    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make menu.yaml the menu in force: menu/create, then addconditional per conditional menu.",
            discussion: "Nothing is called when the menu in force is already the file's. --dry-run prints the changes and the calls without making them.")
        @Argument(help: "The menu file.") var file: String
        @Flag(name: .customLong("dry-run"), help: "Print what would change and which calls would be made; change nothing.") var dryRun = false
        @OptionGroup var account: AccountOptions

        func run() async throws {
            let wanted = try MenuCommand.loadChecked(file, command: "menu apply")
            let dryRun = self.dryRun
            let file = self.file
            try await account.session(command: "menu apply").run("menu apply") { api in
                let (current, conditionalIDs) = try await MenuCommand.current(api)
                let changes = MenuDiff.changes(from: current, to: wanted)
                guard !changes.isEmpty else {
                    print("menu unchanged: the menu in force is already \(file)")
                    return
                }
                for line in changes { print(line) }
                var calls = ["POST /cgi-bin/menu/create (\(wanted.buttons.count) top buttons)"]
                calls += conditionalIDs.map { "POST /cgi-bin/menu/delconditional menuid \($0) (replaced)" }
                calls += wanted.conditional.indices.map { "POST /cgi-bin/menu/addconditional (conditional \($0 + 1))" }
                if dryRun {
                    for call in calls { print("would call \(call)") }
                    return
                }
                try await MenuCommand.call("menu/create") { () async throws(WeChatAPIError) in _ = try await api.post("/cgi-bin/menu/create", object: wanted.createBody) }
                for id in conditionalIDs {
                    try await MenuCommand.call("menu/delconditional") { () async throws(WeChatAPIError) in
                        _ = try await api.post("/cgi-bin/menu/delconditional", object: .object(["menuid": .string(id)]))
                    }
                }
                for (index, conditional) in wanted.conditional.enumerated() {
                    try await MenuCommand.call("menu/addconditional (conditional \(index + 1))") { () async throws(WeChatAPIError) in
                        _ = try await api.post("/cgi-bin/menu/addconditional", object: MenuDefinition.addConditionalBody(conditional))
                    }
                }
                print("applied \(file): \(wanted.buttons.count) top buttons, \(wanted.conditional.count) conditional menus")
            }
        }
    }

    /// `worker menu get`: the menu in force as menu.yaml.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the menu in force (menu/get) as menu.yaml; nothing when there is none.")
        @OptionGroup var account: AccountOptions

        func run() async throws {
            let menu = try await account.session(command: "menu get").run("menu get") { api in try await MenuCommand.current(api).menu }
            if menu == .empty {
                ProcessEnvironment.printError("worker menu get: no menu set through the API (errcode 46003)")
                return
            }
            print(MenuYAML.render(menu), terminator: "")
        }
    }

    /// `worker menu delete`: the default menu and every conditional one.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete the menu in force, conditional menus included (menu/delete).")
        @OptionGroup var account: AccountOptions

        func run() async throws {
            try await account.session(command: "menu delete").run("menu delete") { api in
                try await MenuCommand.call("menu/delete") { () async throws(WeChatAPIError) in _ = try await api.get("/cgi-bin/menu/delete") }
            }
            print("menu deleted")
        }
    }

    /// The file, parsed and checked; exit 2 for a file that cannot be read, exit 1 listing every problem.
    static func loadChecked(_ file: String, command: String) throws -> MenuDefinition {
        let menu: MenuDefinition
        do {
            menu = try MenuParser.load(path: file)
        } catch {
            ProcessEnvironment.printError("worker \(command): \(error)")
            throw ExitCode(2)
        }
        let problems = MenuValidator.problems(in: menu)
        guard problems.isEmpty else {
            for problem in problems { ProcessEnvironment.printError("\(file): \(problem)") }
            throw ExitCode(1)
        }
        return menu
    }

    /// The menu in force and the ids of its conditional menus; 46003 (no menu) is the empty menu.
    static func current(_ api: AccountAPI) async throws -> (menu: MenuDefinition, conditionalIDs: [String]) {
        let answer: [String: JSONValue]
        do {
            answer = try await api.get("/cgi-bin/menu/get")
        } catch .api(errcode: 46003, _) {
            return (.empty, [])
        } catch {
            throw AccountCallFailure(call: "menu/get", error: error)
        }
        let ids = (answer["conditionalmenu"]?.array ?? []).compactMap { $0.object?["menuid"]?.string }
        return (MenuDefinition(getAnswer: answer), ids)
    }

    /// Runs one API call, naming it in the error.
    static func call(_ name: String, _ body: () async throws(WeChatAPIError) -> Void) async throws {
        do {
            try await body()
        } catch {
            throw AccountCallFailure(call: name, error: error)
        }
    }
}
