import ArgumentParser
import WeChatFake

/// What the simulated user sends: text by default, or an image, voice, location, link or event.
struct MessageOptions: ParsableArguments {
    @Option(help: "The user's OpenID.")
    var from = "o_wxsim_user"

    @Option(name: .customLong("image"), help: "Send an image with this MediaId.")
    var imageMediaID: String?

    @Option(name: .customLong("voice"), help: "Send a voice message with this MediaId.")
    var voiceMediaID: String?

    @Option(help: "Send a location, as LATITUDE,LONGITUDE.")
    var location: String?

    @Option(help: "Send a link to this URL.")
    var link: String?

    @Option(help: "Send this event instead of a message: subscribe, unsubscribe, CLICK, SCAN, VIEW, ...")
    var event: String?

    @Option(name: .customLong("event-key"), help: "The event's EventKey (CLICK key, qrscene_..., a URL).")
    var eventKey: String?

    @Option(help: "With --event subscribe or SCAN: the QR code's scene value (subscribe sends EventKey qrscene_VALUE, SCAN sends VALUE).")
    var scene: String?

    @Argument(help: "The text (for a voice message: its speech recognition result).")
    var text: String?

    /// The message to the account whose original id is `originalID`, or a validation error naming the problem.
    func message(to originalID: String = DemoAccount.originalID) throws -> SimulatedMessage {
        let chosen = [imageMediaID, voiceMediaID, location, link, event].compactMap { $0 }
        if scene != nil, event == nil { throw ValidationError("--scene needs --event subscribe or --event SCAN") }
        guard chosen.count <= 1 else { throw ValidationError("choose one of --image, --voice, --location, --link, --event") }
        let kind: SimulatedMessage.Kind
        if let imageMediaID {
            kind = .image(mediaID: imageMediaID)
        } else if let voiceMediaID {
            kind = .voice(mediaID: voiceMediaID, recognition: text)
        } else if let location {
            guard let parsed = LocationText.kind(location, label: text ?? "") else {
                throw ValidationError("--location must be LATITUDE,LONGITUDE, e.g. 23.134521,113.358803")
            }
            kind = parsed
        } else if let link {
            kind = .link(title: text ?? link, description: "", url: link)
        } else if let event, let scene {
            guard eventKey == nil else { throw ValidationError("give --scene or --event-key, not both") }
            guard let scanned = SimulatedMessage.Kind.scan(event: event, scene: scene) else {
                throw ValidationError("--scene goes with --event subscribe or --event SCAN")
            }
            kind = scanned
        } else if let event {
            kind = .event(event, key: eventKey)
        } else {
            guard let text, !text.isEmpty else { throw ValidationError("say something: wxsim send \"hello\" (or --image, --event, ...)") }
            kind = .text(text)
        }
        return SimulatedMessage(from: from, to: originalID, kind: kind)
    }
}
