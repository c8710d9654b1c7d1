package io.sessionpresence.limits;

/**
 * A shared limit's allowance for one key, for a Redis script to take in the same round trip as
 * the work it guards (the per-user login limit inside the session store's create). The script
 * starts with {@link #LUA}, and calls {@code take_limit(key, interval, period)} with
 * {@link #key()}, {@link #intervalMicros()} and {@link #periodMicros()}.
 *
 * @param key            the Redis key of this allowance
 * @param intervalMicros µs between requests at the steady rate
 * @param periodMicros   the rate's period in µs (the burst is period / interval requests)
 */
public record ScriptedLimit(String key, String intervalMicros, String periodMicros) {
    /**
     * The GCRA (the generic cell rate algorithm, as in redis-cell): the key holds the theoretical
     * arrival time, in µs of Redis's own clock, of the next request at the steady rate.
     * {@code take_limit} returns 0 when allowed (and taken, unless {@code peek}), else the µs
     * until the next request would be.
     */
    public static final String LUA = """
            local function take_limit(key, interval, period, peek)
              local t = redis.call('TIME')
              local micros = tonumber(t[1]) * 1000000 + tonumber(t[2])
              local tat = tonumber(redis.call('GET', key)) or micros
              if tat < micros then tat = micros end
              local next_tat = tat + tonumber(interval)
              local wait = next_tat - tonumber(period) - micros
              if wait > 0 then return math.ceil(wait) end
              if not peek then
                redis.call('SET', key, string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - micros) / 1000))
              end
              return 0
            end
            """;
}
