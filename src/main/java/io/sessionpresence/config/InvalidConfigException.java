package io.sessionpresence.config;

/** A configuration value that cannot be used; the message names the key and the problem. */
public class InvalidConfigException extends RuntimeException {
    public InvalidConfigException(String key, String problem) {
        super("Invalid configuration '" + key + "': " + problem);
    }
}
