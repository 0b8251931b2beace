import Shared
import Testing

@Suite struct RedisCommandTests {
    @Test func ordinaryCommandsDoNotBlock() {
        #expect(RedisCommand("XADD", "s", "*", "f", "v").blockingWindow == nil)
        #expect(RedisCommand("XREADGROUP", "GROUP", "g", "c", "COUNT", "10", "STREAMS", "s", ">").blockingWindow == nil)
        #expect(RedisCommand("GET", "BLOCK").blockingWindow == nil)
    }

    @Test func blockingWindowsAreRead() {
        let read = RedisCommand("XREADGROUP", "GROUP", "g", "c", "block", "2000", "STREAMS", "s", ">")
        #expect(read.blockingWindow == .some(.some(.milliseconds(2000))))
        #expect(RedisCommand("XREAD", "BLOCK", "0", "STREAMS", "s", "$").blockingWindow == .some(nil))
        #expect(RedisCommand("BLPOP", "a", "b", "1.5").blockingWindow == .some(.some(.milliseconds(1500))))
        #expect(RedisCommand("brpop", "a", "0").blockingWindow == .some(nil))
        #expect(RedisCommand("BLMPOP", "2", "2", "a", "b", "LEFT").blockingWindow == .some(.some(.milliseconds(2000))))
    }

    @Test func nameIsUpperCased() {
        #expect(RedisCommand("xadd", "s").name == "XADD")
    }

    @Test func scriptSHA1MatchesRedis() {
        // SHA1 of "return 1", as `SCRIPT LOAD "return 1"` prints it.
        #expect(RedisScript("return 1").sha1 == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
    }
}
