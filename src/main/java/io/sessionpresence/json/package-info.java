/**
 * The JSON codec: one configured Jackson mapper for everything the service writes or stores, and
 * the strict parser for client JSON (one value, nothing after it, no field twice). Depends on no
 * other package of the service.
 */
package io.sessionpresence.json;
