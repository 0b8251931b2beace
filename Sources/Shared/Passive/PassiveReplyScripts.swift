/// The Lua state machine of passive replies: every transition of a message's ``PassiveState`` is one of
/// these scripts, so the ingress and the worker (any replica of each) agree on exactly one path.
///
/// The state hash `wx:{appid}:passive:<dedup key>` holds `s` (the state), `n` (deliveries seen), `w:<instance>`
/// (ingress processes waiting on it), `f` (the worker offered), `x` (the passive XML), `oc`/`o1…` (texts that
/// did not fit, for later) and `tc`/`t1…` (every text of the answer, for the deferred path). KEYS are the
/// state and the user's deferred list, which share the `{appid}` hash tag.
enum PassiveReplyScripts {
    /// `defer(prefix)`: appends the stored texts `<prefix>1…` to the deferred list, keeping the newest.
    /// ARGV[1] deferred TTL seconds, ARGV[2] the most texts kept.
    private static let deferTexts = """
        local function deferTexts(prefix)
          local count = tonumber(redis.call('HGET', KEYS[1], prefix .. 'c') or '0')
          for i = 1, count do redis.call('RPUSH', KEYS[2], redis.call('HGET', KEYS[1], prefix .. i)) end
          if count > 0 then
            redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
            redis.call('EXPIRE', KEYS[2], ARGV[1])
          end
        end
        """

    /// The ingress saw a delivery: creates `waiting` when there is no state, counts the delivery, records
    /// the waiting instance. ARGV: instance, state TTL. Returns `{state, deliveries, xml}`.
    static let arrive = RedisScript(
        """
        local s = redis.call('HGET', KEYS[1], 's')
        if not s then
          s = 'waiting'
          redis.call('HSET', KEYS[1], 's', s)
        end
        local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
        redis.call('HSET', KEYS[1], 'w:' .. ARGV[1], '1')
        redis.call('EXPIRE', KEYS[1], ARGV[2])
        return {s, n, redis.call('HGET', KEYS[1], 'x') or ''}
        """)

    /// Decides a path. ARGV: deferred TTL, deferred maximum, from `waiting` (`''`: stay, `async`,
    /// `deferred`), from `ready` (`passive`, `async`, `deferred`), `1` when a `passive` answer sends its
    /// leftover texts to the deferred list. A `ready` going `deferred` moves all its texts there. Returns
    /// `{state, xml}`: the xml when the state is `passive`.
    static let decide = RedisScript(
        deferTexts + "\n"
            + """
            local s = redis.call('HGET', KEYS[1], 's')
            if not s then return {'gone', ''} end
            if s == 'waiting' then
              if ARGV[3] == '' then return {s, ''} end
              redis.call('HSET', KEYS[1], 's', ARGV[3])
              return {ARGV[3], ''}
            end
            if s == 'ready' then
              s = ARGV[4]
              redis.call('HSET', KEYS[1], 's', s)
              if s == 'passive' and ARGV[5] == '1' then deferTexts('o') end
              if s == 'deferred' then deferTexts('t') end
            end
            if s == 'passive' then return {s, redis.call('HGET', KEYS[1], 'x') or ''} end
            return {s, ''}
            """)

    /// The worker's answer is ready. ARGV: deferred TTL, deferred maximum, state TTL, how many texts of
    /// the deferred list the answer took (removed now), the state to assume when there is none (`ready`,
    /// or `deferred` for a spooled message), xml, overflow count, overflow texts…, text count, texts….
    /// Offered before (a repeated attempt): nothing changes. `waiting`/none → `ready`, returning the
    /// waiting instances to wake; `deferred` → the texts go to the deferred list. Returns `{state, instances…}`.
    static let offer = RedisScript(
        deferTexts + "\n"
            + """
            local s = redis.call('HGET', KEYS[1], 's')
            if redis.call('HEXISTS', KEYS[1], 'f') == 1 then return {s} end
            local taken = tonumber(ARGV[4])
            if taken > 0 then redis.call('LTRIM', KEYS[2], taken, -1) end
            if not s then s = ARGV[5] end
            redis.call('HSET', KEYS[1], 's', s, 'f', '1', 'x', ARGV[6])
            local at = 7
            for _, prefix in ipairs({'o', 't'}) do
              local count = tonumber(ARGV[at])
              redis.call('HSET', KEYS[1], prefix .. 'c', count)
              for i = 1, count do redis.call('HSET', KEYS[1], prefix .. i, ARGV[at + i]) end
              at = at + count + 1
            end
            redis.call('EXPIRE', KEYS[1], ARGV[3])
            if s == 'waiting' then
              s = 'ready'
              redis.call('HSET', KEYS[1], 's', s)
            end
            if s == 'deferred' then deferTexts('t') end
            local result = {s}
            if s == 'ready' then
              for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
                if string.sub(field, 1, 2) == 'w:' then table.insert(result, string.sub(field, 3)) end
              end
            end
            return result
            """)
}
