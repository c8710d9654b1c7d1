/**
 * The backend chosen at startup ({@code store.type}) as a factory: {@link
 * io.sessionpresence.backend.RedisBackend} or {@link io.sessionpresence.backend.MemoryBackend}
 * builds every store, the admin-event fan-out, the store's figures and readiness, so that
 * {@code Main} wires one set of services whatever the store. Only {@code Main} depends on it.
 */
package io.sessionpresence.backend;
