/** The stop on SIGTERM, tested on the real service in a child process. */
package io.sessionpresence.shutdown;
