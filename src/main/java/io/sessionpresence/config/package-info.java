/**
 * Loading configuration (YAML defaults, environment overrides) and reading typed values from it
 * with validation that names the offending key.
 */
package io.sessionpresence.config;
