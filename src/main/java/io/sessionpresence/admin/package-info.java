/**
 * The admin API: presence and session listings, terminating sessions, store statistics, behind
 * the admin credential.
 */
package io.sessionpresence.admin;
