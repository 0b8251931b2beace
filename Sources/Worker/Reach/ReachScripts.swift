import Shared

/// The Lua scripts of the reply-window allowance (``ReachKeys``): each reads and changes a user's windows
/// in one atomic step on Redis's clock, so every worker sees the same allowance and two workers never
/// spend the same message of it. Window fields: `<w>u` until (Unix ms), `<w>l` left, `<w>t` when the
/// user's action that opened it happened (Unix ms), for `w` = `m` (48 h) and `e` (1 minute).
enum ReachScripts {
    /// The state every script answers: `{now, mu, ml, eu, el}` (empty strings for absent fields).
    static let state = """
        local function state(key)
          local s = redis.call('HMGET', key, 'mu', 'ml', 'eu', 'el')
          return {now, s[1] or '', s[2] or '', s[3] or '', s[4] or ''}
        end
        """

    /// The user's windows read once and written once, so a step that opens a window and spends from it
    /// (``LeaseScripts/beginFunction``) pays one `HMGET` and one `HSET` instead of a read and a write each.
    /// `windows(key)`: the fields, read (`HMGET`); `openIn(win, w, at, length, allowance, lifetime)`:
    /// opens window `w` (`m`, `e`, or `-` for none) at the time the user acted (`at`, Unix ms) unless a
    /// later action of the user opened it already (a late or replayed message never shortens a window);
    /// `spendIn(win)`: takes one message of the allowance (see `spend` below); `save(win)`: writes what
    /// changed (one `HSET`) and, when a window was observed, renews the key's lifetime.
    static let windowsFunctions = """
        local windowFields = {'mt', 'mu', 'ml', 'et', 'eu', 'el'}
        local function windows(key)
          local s = redis.call('HMGET', key, unpack(windowFields))
          local win = {key = key, changed = {}}
          for i, field in ipairs(windowFields) do win[field] = s[i] end
          return win
        end
        local function openIn(win, w, at, length, allowance, lifetime)
          if w == 'm' or w == 'e' then
            local at = tonumber(at)
            if at > tonumber(win[w .. 't'] or '-1') then
              win[w .. 't'], win[w .. 'u'], win[w .. 'l'] = at, at + tonumber(length), tonumber(allowance)
              win.changed[w .. 't'], win.changed[w .. 'u'], win.changed[w .. 'l'] = true, true, true
            end
            win.lifetime = lifetime
          end
        end
        local function spendIn(win)
          if not win.mu and not win.eu then return {'unknown'} end
          local mu, ml, eu, el = tonumber(win.mu or '0'), tonumber(win.ml or '0'), tonumber(win.eu or '0'), tonumber(win.el or '0')
          if eu > now and el > 0 then
            win.el, win.changed.el = el - 1, true
            return {'e'}
          end
          if mu > now and ml > 0 then
            win.ml, win.changed.ml = ml - 1, true
            return {'m'}
          end
          if eu > now or mu > now then return {'spent'} end
          return {'closed'}
        end
        local function save(win)
          local changes = {}
          for _, field in ipairs(windowFields) do
            if win.changed[field] then
              changes[#changes + 1] = field
              changes[#changes + 1] = win[field]
            end
          end
          if #changes > 0 then redis.call('HSET', win.key, unpack(changes)) end
          if win.lifetime then redis.call('PEXPIRE', win.key, tonumber(win.lifetime)) end
        end
        """

    /// `open(key, w, at, length, allowance, lifetime)`: opens window `w` (``windowsFunctions`` `openIn`).
    /// `observe(…)`: the same, answering the state.
    static let observeFunction = """
        local function open(key, w, at, length, allowance, lifetime)
          if w == 'm' or w == 'e' then
            local win = windows(key)
            openIn(win, w, at, length, allowance, lifetime)
            save(win)
          end
        end
        local function observe(key, w, at, length, allowance, lifetime)
          open(key, w, at, length, allowance, lifetime)
          return state(key)
        end
        """

    /// `spend(key)`: takes one customer-service message of the user's allowance; answers `{which}`: `e` or
    /// `m` (one message of that window spent), `unknown` (nothing recorded for the user: WeChat decides),
    /// `spent` (a window is open, its allowance used) or `closed`.
    static let spendFunction = """
        local function spend(key)
          local win = windows(key)
          local answer = spendIn(win)
          save(win)
          return answer
        end
        """

    /// Everything the observe and spend functions need, for scripts that embed them (``LeaseScripts/steps``).
    static let functions = state + "\n" + windowsFunctions + "\n" + observeFunction + "\n" + spendFunction

    /// OBSERVE. KEYS: 1 the user's windows. ARGV: 1 window (`m`, `e` or `-` for none), 2 when the user
    /// acted (Unix ms), 3 the window's length (ms), 4 its allowance, 5 the key's lifetime (ms). See
    /// `observe` above.
    static let observe = RedisScript(
        QueueLua.now + "\n" + functions + "\n" + "return observe(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])")

    /// SPEND, right before a customer-service call. KEYS: 1 the user's windows. See `spend` above.
    static let spend = RedisScript(QueueLua.now + "\n" + functions + "\n" + "return spend(KEYS[1])")

    /// REFUND after a send WeChat did not take. KEYS: 1 the user's windows. ARGV: 1 the window spent
    /// (`m`/`e`), 2 its allowance (the cap: a window opened again meanwhile is full already).
    static let refund = RedisScript(
        QueueLua.now + "\n"
            + """
            local w = ARGV[1]
            local untilMs = tonumber(redis.call('HGET', KEYS[1], w .. 'u') or '0')
            local left = tonumber(redis.call('HGET', KEYS[1], w .. 'l') or '0')
            if untilMs > now and left < tonumber(ARGV[2]) then redis.call('HINCRBY', KEYS[1], w .. 'l', 1) end
            return 1
            """)

    /// WeChat's answer overrides the count. KEYS: 1 the user's windows. ARGV: 1 `spent` (45047: no
    /// message left in the open windows) or `closed` (45015: no window open), 2 the key's lifetime (ms).
    /// A 45047 for a user with no window on record says one is open without saying until when: it is
    /// recorded as the short window's minute from now, after which the relay takes it as closed.
    static let override = RedisScript(
        QueueLua.now + "\n"
            + """
            if ARGV[1] == 'spent' then
              redis.call('HSET', KEYS[1], 'ml', 0, 'el', 0)
              local mu = tonumber(redis.call('HGET', KEYS[1], 'mu') or '0')
              local eu = tonumber(redis.call('HGET', KEYS[1], 'eu') or '0')
              if mu <= now and eu <= now then redis.call('HSET', KEYS[1], 'eu', now + 60000) end
            else
              redis.call('HSET', KEYS[1], 'mu', 0, 'eu', 0, 'ml', 0, 'el', 0)
            end
            redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
            return 1
            """)

    /// USE-GRANT: one one-time subscribe acceptance of a template, if there is one. KEYS: 1 the user's
    /// grants. ARGV: 1 template_id. Answers 1 when one was taken.
    static let useGrant = RedisScript(
        """
        local left = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
        if left <= 0 then return 0 end
        if left == 1 then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HINCRBY', KEYS[1], ARGV[1], -1) end
        return 1
        """)

    /// RECEIPT: a `TEMPLATESENDJOBFINISH` for `msgid`. KEYS: 1 the template's hash, 2 receipts counts,
    /// 3 receipts log. ARGV: 1 msgid, 2 status, 3 when (Unix ms). Answers `{key, index}` of the
    /// originating message (empty when the template is not ours or older than 7 days); a receipt seen
    /// before is not counted again.
    static let receipt = RedisScript(
        """
        local origin = redis.call('HMGET', KEYS[1], 'key', 'index', 'status')
        if not origin[3] then
          redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
          redis.call('LPUSH', KEYS[3], ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. (origin[1] or '-'))
          redis.call('LTRIM', KEYS[3], 0, 49)
          if origin[1] then redis.call('HSET', KEYS[1], 'status', ARGV[2], 'finished_at', ARGV[3]) end
        end
        return {origin[1] or '', origin[2] or ''}
        """)
}
