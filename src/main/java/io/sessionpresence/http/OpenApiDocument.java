package io.sessionpresence.http;

import io.helidon.openapi.OpenApiFeature;
import io.helidon.openapi.OpenApiFormat;
import io.helidon.openapi.OpenApiManager;
import io.sessionpresence.json.Json;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code /openapi}: {@code META-INF/openapi.yaml}, written by hand, served as written (YAML,
 * comments kept) or as JSON. Helidon's own manager turns it into JSON through SnakeYAML's
 * emitter, which in 4.5.0 writes {@code !!bool "false"} and {@code !!int "1"}: not JSON. Here
 * SnakeYAML only reads it and Jackson writes the JSON.
 */
public final class OpenApiDocument implements OpenApiManager<String> {
    public static OpenApiFeature feature() {
        return OpenApiFeature.builder().manager(new OpenApiDocument()).build();
    }

    @Override
    public String name() {
        return "session-presence";
    }

    @Override
    public String type() {
        return "static-yaml";
    }

    @Override
    public String load(String content) {
        return content;
    }

    @Override
    public String format(String content, OpenApiFormat format) {
        return format == OpenApiFormat.JSON ? Json.writeString(new Yaml().load(content)) : content;
    }
}
