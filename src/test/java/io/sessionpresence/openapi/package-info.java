/** The OpenAPI document at {@code /openapi}, checked against the routes the service registers. */
package io.sessionpresence.openapi;
