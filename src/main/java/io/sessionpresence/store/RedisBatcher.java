package io.sessionpresence.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntConsumer;

import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.RedisTimeoutException;

/**
 * Lets concurrent requests share Redis round trips, for the hot paths (validate, heartbeat).
 *
 * <p>Each call adds its commands to a Redisson batch and waits for their replies. While fewer
 * than {@code depth} batches are in flight a call is sent at once, alone, so an idle service adds
 * no delay; once {@code depth} are in flight, calls queue and the next free slot sends everything
 * queued as one pipelined batch (at most {@code maxBatch}). Under load that turns one write, one
 * read, one event-loop wake-up and one pooled connection per request into one per batch, which
 * is what the service spends most of its CPU on when each command travels alone. A call's own
 * commands stay together and in order, so a call still costs exactly one round trip.
 *
 * <p>A call waits at most the Redis timeout, queueing included, then fails with a
 * {@link RedisTimeoutException} (a 503), so an outage answers as fast with or without a queue.
 */
public final class RedisBatcher {
    private final RedissonClient redis;
    private final BatchOptions options;
    private final long timeoutMillis;
    private final int depth;
    private final int maxBatch;
    private final IntConsumer batchSizes;
    private final ConcurrentLinkedQueue<Call<?>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    private record Call<T>(Function<RBatch, ? extends CompletionStage<T>> commands, CompletableFuture<T> reply) {
        void add(RBatch batch) {
            try {
                commands.apply(batch).whenComplete((value, error) -> {
                    if (error != null) {
                        reply.completeExceptionally(error);
                    } else {
                        reply.complete(value);
                    }
                });
            } catch (RuntimeException e) {
                reply.completeExceptionally(e);
            }
        }
    }

    /** @param batchSizes told the number of calls in each batch sent */
    public RedisBatcher(RedissonClient redis, long timeoutMillis, int depth, int maxBatch, IntConsumer batchSizes) {
        this.redis = redis;
        this.timeoutMillis = timeoutMillis;
        this.depth = depth;
        this.maxBatch = maxBatch;
        this.batchSizes = batchSizes;
        this.options = BatchOptions.defaults()
                .responseTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .retryAttempts(0);
    }

    /**
     * Queues {@code commands} (which add one or more commands to the batch they are given and
     * return the future of the reply this call needs) and waits for that reply.
     */
    public <T> T call(Function<RBatch, ? extends CompletionStage<T>> commands) {
        CompletableFuture<T> reply = new CompletableFuture<>();
        queue.add(new Call<>(commands, reply));
        dispatch();
        try {
            return reply.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new RedisException("Redis call failed", e.getCause());
        } catch (TimeoutException e) {
            throw new RedisTimeoutException("no Redis reply within " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisException("interrupted while waiting for Redis", e);
        }
    }

    /**
     * Sends {@code commands} at once in one batch of their own, not queued behind others (Redisson
     * splits a batch by node: one round trip to each master involved, in parallel), and waits for
     * every reply, in order: how a call that reads every shard gathers them.
     */
    public <T> List<T> together(List<Function<RBatch, ? extends CompletionStage<T>>> commands) {
        RBatch batch = redis.createBatch(options);
        List<CompletableFuture<T>> replies = new ArrayList<>(commands.size());
        commands.forEach(command -> replies.add(command.apply(batch).toCompletableFuture()));
        batch.execute();
        return replies.stream().map(CompletableFuture::join).toList();
    }

    /** Sends queued calls while a slot is free; called after each enqueue and each completion. */
    private void dispatch() {
        while (!queue.isEmpty()) {
            int running = inFlight.get();
            if (running >= depth) {
                return;
            }
            if (!inFlight.compareAndSet(running, running + 1)) {
                continue;
            }
            List<Call<?>> calls = new ArrayList<>();
            Call<?> next;
            while (calls.size() < maxBatch && (next = queue.poll()) != null) {
                calls.add(next);
            }
            if (calls.isEmpty()) {
                inFlight.decrementAndGet();
                continue;
            }
            send(calls);
        }
    }

    private void send(List<Call<?>> calls) {
        batchSizes.accept(calls.size());
        RBatch batch = redis.createBatch(options);
        calls.forEach(call -> call.add(batch));
        RFuture<?> sent;
        try {
            sent = batch.executeAsync();
        } catch (RuntimeException e) {
            finished(calls, e);
            return;
        }
        sent.whenComplete((result, error) -> finished(calls, error));
    }

    private void finished(List<Call<?>> calls, Throwable error) {
        if (error != null) {
            calls.forEach(call -> call.reply().completeExceptionally(error));
        }
        inFlight.decrementAndGet();
        dispatch();
    }
}
