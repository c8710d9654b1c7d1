/**
 * Who is calling: identity tokens that may create sessions ({@link io.sessionpresence.auth.IdentityVerifier})
 * and the admin credential ({@link io.sessionpresence.auth.AdminAuth}).
 */
package io.sessionpresence.auth;
