package io.sessionpresence.store;

import java.util.Optional;

/**
 * Which instance holds each realtime connection whose requests may reach any instance (Socket.IO
 * long-polling: every poll is a request of its own, and a load balancer without affinity sends
 * them anywhere). Each record names the owner's address and expires on its own unless refreshed,
 * so a crashed instance's records go with its connections. Implementations: {@link
 * RedisConnectionOwners} (shared by the instances on one Redis) and {@link #LOCAL}.
 */
public interface ConnectionOwners {
    /**
     * The memory store: one instance by definition, so every connection is local. Nothing is
     * recorded and no owner is ever found elsewhere.
     */
    ConnectionOwners LOCAL = new ConnectionOwners() {
        @Override
        public void claim(String id, String owner, long ttlMillis) {
        }

        @Override
        public void refresh(String id, String owner, long ttlMillis) {
        }

        @Override
        public void release(String id) {
        }

        @Override
        public Optional<String> ownerOf(String id) {
            return Optional.empty();
        }
    };

    /** Records {@code owner} for {@code id}, waiting until the store has it: a request for it may follow at once. */
    void claim(String id, String owner, long ttlMillis);

    /** Writes the record again with a new TTL; does not wait (called from timer threads, which must not block). */
    void refresh(String id, String owner, long ttlMillis);

    /** Removes the record; does not wait. */
    void release(String id);

    /** The owner recorded for {@code id}, if its record lives. */
    Optional<String> ownerOf(String id);
}
