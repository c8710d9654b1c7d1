/**
 * Choosing and connecting the backing store (Redis through Redisson, or in memory), and the
 * Redis key schema with the cost of each operation ({@link io.sessionpresence.store.RedisKeys}).
 * The store interfaces themselves live with their features ({@code session}, {@code cache},
 * {@code presence}).
 */
package io.sessionpresence.store;
