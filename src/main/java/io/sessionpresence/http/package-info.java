/**
 * HTTP plumbing shared by every route: JSON bodies in and out, the error shapes, and the
 * mapping of exceptions to 4xx/503 responses.
 */
package io.sessionpresence.http;
