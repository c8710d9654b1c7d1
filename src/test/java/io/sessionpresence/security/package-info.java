/** Tests of the service's security promises that span features (what its logs hold). */
package io.sessionpresence.security;
