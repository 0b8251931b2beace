import Shared

/// The worker's Redis scripts over the per-user queues (``QueueKeys``). Each state change that must not
/// be half done is one script, and every script that acts for a lease first checks that the lease's token
/// is still the user's owner (fencing): a worker that stalled past its lease and lost the user changes
/// nothing. docs/ordering.md explains the design.
enum LeaseScripts {
    /// `grant(ready, owner, deadline, seq, failing, user, leaseMs, consumer, queuePrefix)`: takes `user`
    /// out of `ready` and, when its queue has a head, gives it a fresh token and a deadline; returns
    /// `head, token, failingSince` (or nil when the queue is empty). TAKE and COMPLETE grant the same way.
    static let grant = """
        local function grant(ready, owner, deadline, seq, failing, user, leaseMs, consumer, queuePrefix)
          redis.call('ZREM', ready, user)
          local head = redis.call('LINDEX', queuePrefix .. user, 0)
          if not head then return nil end
          local token = redis.call('INCR', seq) .. ':' .. consumer
          redis.call('HSET', owner, user, token)
          redis.call('ZADD', deadline, now + tonumber(leaseMs), user)
          return head, token, redis.call('HGET', failing, user) or ''
        end
        """

    /// DUE. KEYS: 1 ready. Returns how many users are due now (at most 1 counted).
    static let dueCount = RedisScript(
        QueueLua.now + "\n" + "return #redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1)"
    )

    /// TAKE. KEYS: 1 ready, 2 owner, 3 deadline, 4 seq, 5 failing. ARGV: 1 most users, 2 lease ms,
    /// 3 consumer name, 4 user queue prefix. Returns `{wait, user, token, head, failingSince, …}`: `wait`
    /// is -1, or when nothing was due the ms until the next user is (-1: no user waits at all).
    static let take = RedisScript(
        QueueLua.now + "\n" + grant + "\n"
            + """
            local out = {}
            for _, user in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))) do
              local head, token, failing = grant(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], user, ARGV[2], ARGV[3], ARGV[4])
              if head then
                out[#out + 1] = user
                out[#out + 1] = token
                out[#out + 1] = head
                out[#out + 1] = failing
              end
            end
            local wait = -1
            if #out == 0 then
              local nextUp = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
              if #nextUp > 0 then wait = math.max(0, tonumber(nextUp[2]) - now) end
            end
            table.insert(out, 1, wait)
            return out
            """
    )

    /// `beginStep(owner, deadline, sent, sending, window, user, token, leaseMs, ttl, spendIt, w, at, length,
    /// allowance, lifetime)`: BEGIN-SEND, right before a reply goes to WeChat. Opens window `w` of the
    /// user's reply windows when given (`''`: none; a fact about the user, written whatever the lease;
    /// the windows are read once and written once for opening and spending, ``ReachScripts/windowsFunctions``),
    /// then, fenced by the lease: extends it (a send always starts with a full lease ahead of it),
    /// answers `{2, {}}` when the sent marker exists (already sent: skip), else writes the sending marker
    /// (TTL `ttl` s) and answers `{permission, spend answer or {}}`: 1 send, 3 send, but another lease began
    /// this reply and recorded no outcome. Fenced: `{0, {}}`. With `spendIt` = `1`, one message of the
    /// allowance is spent when the send may go (``ReachScripts`` `spend`).
    static let beginFunction = """
        local function beginStep(owner, deadline, sent, sending, window, user, token, leaseMs, ttl, spendIt, w, at, length, allowance, lifetime)
          local win
          if w == 'm' or w == 'e' or spendIt == '1' then
            win = windows(window)
            openIn(win, w, at, length, allowance, lifetime)
          end
          local permission
          if redis.call('HGET', owner, user) ~= token then
            permission = 0
          else
            redis.call('ZADD', deadline, 'XX', now + tonumber(leaseMs), user)
            if redis.call('EXISTS', sent) == 1 then
              permission = 2
            else
              local previous = redis.call('SET', sending, token, 'EX', ttl, 'GET')
              permission = 1
              if previous and previous ~= token then permission = 3 end
            end
          end
          local spent = {}
          if spendIt == '1' and (permission == 1 or permission == 3) then spent = spendIn(win) end
          if win then save(win) end
          return {permission, spent}
        end
        """

    /// `completeStep(owner, deadline, ready, backlog, wake, queue, stalls, failing, deadLetters, active, seq,
    /// user, token, goingOn, leaseMs, sentKey, ttl, head, consumer, queuePrefix, wasFailing, deadLetter)`:
    /// COMPLETE, the head is finished (replied, or dead-lettered when `deadLetter` is a table of `XADD`
    /// arguments: `MAXLEN` then the fields). `wasFailing` is `0` when the lease's grant found the user not
    /// failing (nothing but a new grant can make it so: a retry hands the user back), which spares clearing it.
    ///
    /// The sent marker `sentKey` (`<unix ms> <consumer>`, read by `worker trace`; `''` for none) is written
    /// even when fenced (it records a fact). Idempotent: when the head popped is not `head` (a repeat after
    /// a lost answer) it is put back and nothing else changes. When the slot goes on fairly (`goingOn` = `1`),
    /// it keeps the user for its next head if no other user is due, else hands the user back (to the end of
    /// `ready`) and takes the user due longest, in the same step (one round trip per message instead of two);
    /// within its fairness slice (`goingOn` = `2`, the slot's lease of the user is younger than
    /// `WORKER_FAIR_SLICE_MS`) it keeps the user for its next head whoever is due. One `ZRANGEBYSCORE` answers
    /// both whether anyone is due and whom the slot takes (read before the user goes back to `ready`, so
    /// it is never the user itself). `0`: nothing more (shutting down). Answers `{0}` fenced, `{1}` done, `{1, nextHead}` done and the same lease kept for the next head,
    /// `{1, head, user, token, failingSince}` done and another user taken.
    static let completeFunction = """
        local function completeStep(owner, deadline, ready, backlog, wake, queue, stalls, failing, deadLetters, active, seq, user, token, goingOn, leaseMs, sentKey, ttl, head, consumer, queuePrefix, wasFailing, deadLetter)
          if sentKey ~= '' then redis.call('SET', sentKey, now .. ' ' .. consumer, 'EX', ttl) end
          if redis.call('HGET', owner, user) ~= token then return {0} end
          local popped = redis.call('LPOP', queue)
          if popped ~= head then
            if popped then redis.call('LPUSH', queue, popped) end
            return {1, popped}
          end
          if deadLetter then
            redis.call('XADD', deadLetters, 'MAXLEN', '~', deadLetter[1], '*', unpack(deadLetter, 2))
          end
          redis.call('DECR', backlog)
          redis.call('HDEL', stalls, user)
          if wasFailing ~= '0' then redis.call('HDEL', failing, user) end
          local nextHead = redis.call('LINDEX', queue, 0)
          local due
          if goingOn == '1' or (goingOn == '2' and not nextHead) then
            due = redis.call('ZRANGEBYSCORE', ready, '-inf', now, 'LIMIT', 0, 1)[1]
          end
          if nextHead then
            if goingOn == '2' or (goingOn == '1' and not due) then
              redis.call('ZADD', deadline, now + tonumber(leaseMs), user)
              return {1, nextHead}
            end
            redis.call('ZADD', ready, now, user)
            signal(wake)
          else
            redis.call('SREM', active, user)
          end
          redis.call('HDEL', owner, user)
          redis.call('ZREM', deadline, user)
          if due then
            local otherHead, otherToken, otherFailing = grant(ready, owner, deadline, seq, failing, due, leaseMs, consumer, queuePrefix)
            if otherHead then return {1, otherHead, due, otherToken, otherFailing} end
          end
          return {1}
        end
        """

    /// DEAD-LETTER: COMPLETE (``completeFunction``) of a head that is dead-lettered, as a script of its own
    /// (replied heads complete through ``steps``). KEYS: 1 owner, 2 deadline, 3 ready, 4 backlog, 5 wake,
    /// 6 the user's queue, 7 stalls, 8 failing, 9 dead letters, 10 active users, 11 seq. ARGV: 1 user,
    /// 2 token, 3 `goingOn` (`0` shutting down, `1` fair, `2` within the slice), 4 lease ms, 5 dead-letter MAXLEN, 6 a sent
    /// marker to write or '', 7 its TTL s, 8 the head being completed, 9 consumer name, 10 user queue
    /// prefix, 11… dead-letter fields.
    static let deadLetter = RedisScript(
        QueueLua.now + "\n" + QueueLua.signal + "\n" + grant + "\n" + completeFunction + "\n"
            + """
            return completeStep(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11],
              ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], '1', {ARGV[5], unpack(ARGV, 11)})
            """
    )

    /// STEPS: many slots' begin-sends and completes in one call (group commit, ``LeaseStepBatcher``), each
    /// step exactly as its own script would run it, in order, isolated from the others (an error in one
    /// answers `{-1, message}` for that step alone). KEYS: 1 owner, 2 deadline, 3 ready, 4 backlog, 5 wake,
    /// 6 stalls, 7 failing, 8 dead letters, 9 active users, 10 seq. ARGV: 1 lease ms, 2 marker TTL s,
    /// 3 consumer name, 4 user queue prefix, then the steps, each a kind and its fields:
    /// `b user token sent sending window spend w at length allowance lifetime` (``beginFunction``) or
    /// `c user token goingOn sentKey head wasFailing` (``completeFunction``, never a dead letter). Answers one answer
    /// per step, in order.
    static let steps = RedisScript(
        QueueLua.now + "\n" + QueueLua.signal + "\n" + grant + "\n" + ReachScripts.functions + "\n" + beginFunction + "\n" + completeFunction + "\n"
            + """
            local answers = {}
            local i = 5
            while i <= #ARGV do
              local ok, answer
              if ARGV[i] == 'b' then
                ok, answer = pcall(beginStep, KEYS[1], KEYS[2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 1], ARGV[i + 2], ARGV[1], ARGV[2],
                  ARGV[i + 6], ARGV[i + 7], ARGV[i + 8], ARGV[i + 9], ARGV[i + 10], ARGV[i + 11])
                i = i + 12
              else
                local user = ARGV[i + 1]
                ok, answer = pcall(completeStep, KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[4] .. user, KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10],
                  user, ARGV[i + 2], ARGV[i + 3], ARGV[1], ARGV[i + 4], ARGV[2], ARGV[i + 5], ARGV[3], ARGV[4], ARGV[i + 6], nil)
                i = i + 7
              end
              if ok then
                answers[#answers + 1] = answer
              else
                answers[#answers + 1] = {-1, type(answer) == 'table' and answer.err or tostring(answer)}
              end
            end
            return answers
            """
    )

    /// RETRY: the head failed and is tried again later, in its place. KEYS: 1 owner, 2 deadline, 3 ready,
    /// 4 the user's queue, 5 failing, 6 a sending marker to clear (WeChat answered, so nothing went out)
    /// or the queue again. ARGV: 1 user, 2 token, 3 delay ms, 4 the head with its attempt raised.
    /// Returns 0 fenced, 1 scheduled.
    static let retry = RedisScript(
        QueueLua.now + "\n"
            + """
            if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
            if KEYS[6] ~= KEYS[4] then redis.call('DEL', KEYS[6]) end
            if redis.call('LLEN', KEYS[4]) > 0 then redis.call('LSET', KEYS[4], 0, ARGV[4]) end
            redis.call('HSETNX', KEYS[5], ARGV[1], now)
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), ARGV[1])
            return 1
            """
    )

    /// RELEASE: give the user back unfinished, head untouched (shutdown). KEYS: 1 owner, 2 deadline,
    /// 3 ready, 4 wake. ARGV: 1 user, 2 token. Returns 0 fenced, 1 released.
    static let release = RedisScript(
        QueueLua.now + "\n" + QueueLua.signal + "\n"
            + """
            if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('ZADD', KEYS[3], now, ARGV[1])
            signal(KEYS[4])
            return 1
            """
    )

    /// HEARTBEAT. KEYS: 1 owner, 2 deadline. ARGV: 1 lease ms, then user, token pairs. Extends the leases
    /// still held; returns the users another lease holds now (reaped and taken by another worker). A user
    /// nobody holds is not reported: it is usually one this process completed or handed back while the
    /// heartbeat was on its way (under load the old answer made that a false "taken over" warning), and
    /// when it was reaped instead, the slot's next step is fenced all the same.
    static let heartbeat = RedisScript(
        QueueLua.now + "\n"
            + """
            local lost = {}
            for i = 2, #ARGV, 2 do
              local owner = redis.call('HGET', KEYS[1], ARGV[i])
              if owner == ARGV[i + 1] then
                redis.call('ZADD', KEYS[2], 'XX', now + tonumber(ARGV[1]), ARGV[i])
              elseif owner then
                lost[#lost + 1] = ARGV[i]
              end
            end
            return lost
            """
    )

    /// REAP: leases past their deadline (a crashed or stalled worker) go back to `ready`, head intact;
    /// a head whose lease expired `ARGV[2]` times is dead-lettered (a message that kills or hangs its
    /// worker) and the user's next message goes on. KEYS: 1 deadline, 2 owner, 3 ready, 4 stalls, 5 wake,
    /// 6 dead letters, 7 backlog, 8 failing, 9 active users. ARGV: 1 user queue prefix, 2 most stalls, 3 most users,
    /// 4 dead-letter MAXLEN. Returns `{reaped, deadLettered}`.
    static let reap = RedisScript(
        QueueLua.now + "\n" + QueueLua.signal + "\n"
            + """
            local reaped, dead = 0, 0
            for _, user in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))) do
              redis.call('ZREM', KEYS[1], user)
              redis.call('HDEL', KEYS[2], user)
              local queue = ARGV[1] .. user
              local stalls = redis.call('HINCRBY', KEYS[4], user, 1)
              if stalls >= tonumber(ARGV[2]) then
                local head = redis.call('LPOP', queue)
                if head then
                  redis.call('DECR', KEYS[7])
                  redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[4], '*', 'reason', '\(DeadLetterReason.tooManyDeliveries.rawValue)', 'errcode', '',
                    'attempts', stalls, 'detail', 'its lease expired ' .. stalls .. ' times without finishing (its worker crashed or hung each time)',
                    'failed_at', now, 'user', user, 'record', head)
                  dead = dead + 1
                end
                redis.call('HDEL', KEYS[4], user)
                redis.call('HDEL', KEYS[8], user)
              end
              if redis.call('LLEN', queue) > 0 then
                redis.call('ZADD', KEYS[3], now, user)
                signal(KEYS[5])
              else
                redis.call('SREM', KEYS[9], user)
              end
              reaped = reaped + 1
            end
            return {reaped, dead}
            """
    )
}
