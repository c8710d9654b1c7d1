package io.sessionpresence.limits;

import java.util.List;
import java.util.Optional;

import io.sessionpresence.store.RedisBatcher;
import org.redisson.api.RScript;
import org.redisson.client.codec.StringCodec;

/**
 * One {@link Rate} per key, counted in Redis so that every instance sharing it draws on the same
 * allowance: one key per limited address or user ({@code <prefix><key>}, a string), read and
 * written by one script in one round trip, gone by itself once the allowance is full again.
 *
 * <p>The count is a GCRA (the generic cell rate algorithm, as in redis-cell and most Redis rate
 * limiters): the key holds the theoretical arrival time, in microseconds of Redis's own clock, of
 * the next request at the steady rate. That is the token bucket of {@link LocalLimiter} (a burst
 * of {@code requests}, then {@code requests} per {@code perSeconds}) in one number, and Redis's
 * clock, not each instance's, decides.
 */
final class RedisLimiter implements KeyedLimiter {
    /** KEYS[1] the key; ARGV as {@link ScriptedLimit#LUA}'s take_limit, and "1" to take or "0" to peek. */
    private static final String GCRA_SCRIPT = ScriptedLimit.LUA + """
            return take_limit(KEYS[1], ARGV[1], ARGV[2], ARGV[3] == '0')
            """;

    private final RedisBatcher batcher;
    private final String prefix;
    private final String interval;
    private final String period;

    /** @param prefix the keys' common start ({@code RedisKeys#limit}) */
    RedisLimiter(RedisBatcher batcher, String prefix, Rate rate) {
        this.batcher = batcher;
        this.prefix = prefix;
        long periodMicros = rate.perSeconds() * 1_000_000L;
        this.interval = Double.toString((double) periodMicros / rate.requests());
        this.period = Long.toString(periodMicros);
    }

    @Override
    public Verdict take(String key) {
        return run(key, "1");
    }

    @Override
    public Verdict peek(String key) {
        return run(key, "0");
    }

    @Override
    public Optional<ScriptedLimit> scripted(String key) {
        return Optional.of(new ScriptedLimit(prefix + key, interval, period));
    }

    private Verdict run(String key, String take) {
        String redisKey = prefix + key;
        long waitMicros = batcher.call(batch -> batch.getScript(StringCodec.INSTANCE).<Long>evalAsync(redisKey,
                RScript.Mode.READ_WRITE, GCRA_SCRIPT, RScript.ReturnType.LONG, List.of(redisKey),
                interval, period, take));
        return waitMicros == 0 ? Verdict.ALLOWED : Verdict.refusedFor(waitMicros * 1_000L);
    }
}
