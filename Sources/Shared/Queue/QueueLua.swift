/// Lua fragments shared by the queue's scripts, so each rule of the layout (``QueueKeys``) is written once.
public enum QueueLua {
    /// `now`: Redis's own clock in Unix ms (one clock for every worker and ingress).
    public static let now = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        """

    /// `signal(wake[, count])`: `count` wake-ups (default 1) for idle workers in one `RPUSH`, at most 64 waiting.
    public static let signal = """
        local function signal(wake, count)
          local room = math.min(count or 1, 64 - redis.call('LLEN', wake))
          if room > 0 then
            local ones = {}
            for n = 1, room do ones[n] = '1' end
            redis.call('RPUSH', wake, unpack(ones))
          end
        end
        """

    /// `orderOf(record)`: a ``QueueRecord``'s order key.
    ///
    /// `place(queue, record)`: puts a record into a user's list in `CreateTime` order and returns 0, or 1
    /// when it had to go before later records (a late arrival). The usual case is one `RPUSH` (the list
    /// was empty) or an `RPUSH` and a `LINDEX` (the record before it is not later). A late record is taken
    /// off the end again and never goes before the head, which may be in flight or retrying: the message a
    /// user's queue has started is finished first.
    public static let place = """
        local function orderOf(record)
          return tonumber(string.match(record, '^(%-?%d+)\\n')) or 0
        end
        local function place(queue, record)
          local order = orderOf(record)
          local length = redis.call('RPUSH', queue, record)
          if length == 1 or orderOf(redis.call('LINDEX', queue, -2)) <= order then return 0 end
          redis.call('RPOP', queue)
          length = length - 1
          local span = math.min(length - 1, 256)
          if span > 0 then
            local tail = redis.call('LRANGE', queue, -span, -1)
            for i = 1, #tail do
              if orderOf(tail[i]) > order then
                redis.call('LINSERT', queue, 'BEFORE', tail[i], record)
                return 1
              end
            end
          end
          redis.call('RPUSH', queue, record)
          return 1
        end
        """
}
