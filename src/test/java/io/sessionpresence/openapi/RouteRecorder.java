package io.sessionpresence.openapi;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;

/**
 * An {@link HttpRouting.Builder} that records, instead of routing, every route registered on it
 * and on the services registered on it (at their prefix), as {@code "METHOD /path"}: what
 * {@code Main.routing} and {@code Main.sockets} register, read from the code that registers it,
 * so a route added there shows here without anyone listing it. Filters are not routes and are
 * ignored.
 */
final class RouteRecorder implements InvocationHandler {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "head", "options", "trace",
            "patch", "any");

    private final String prefix;
    private final Set<String> routes;
    private HttpRouting.Builder self;

    private RouteRecorder(String prefix, Set<String> routes) {
        this.prefix = prefix;
        this.routes = routes;
    }

    /** A builder recording into {@code routes}. */
    static HttpRouting.Builder recording(Set<String> routes) {
        return create("", routes);
    }

    static Set<String> newRoutes() {
        return new TreeSet<>();
    }

    private static HttpRouting.Builder create(String prefix, Set<String> routes) {
        RouteRecorder recorder = new RouteRecorder(prefix, routes);
        recorder.self = (HttpRouting.Builder) Proxy.newProxyInstance(RouteRecorder.class.getClassLoader(),
                new Class<?>[] {HttpRouting.Builder.class}, recorder);
        return recorder.self;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        Object[] arguments = args == null ? new Object[0] : args;
        String path = arguments.length > 0 && arguments[0] instanceof String s ? s : "";
        if (METHODS.contains(name)) {
            routes.add(name.toUpperCase(Locale.ROOT) + " " + join(prefix, path));
        } else if (name.equals("register")) {
            for (Object argument : arguments) {
                if (argument instanceof HttpService[] services) {
                    for (HttpService service : services) {
                        service.routing(create(join(prefix, path), routes));
                    }
                }
            }
        } else if (method.isDefault()) {
            // e.g. route(predicate, matcher, handler): down to the methods recorded here
            return InvocationHandler.invokeDefault(proxy, method, args);
        } else if (name.equals("route") && String.valueOf(arguments[0]).matches("(GET, HEAD|HEAD, GET) \\(any path\\).*")) {
            // static content: files under the prefix
            routes.add("GET " + join(prefix, "/*"));
        } else if (name.equals("route")) {
            throw new UnsupportedOperationException("not recorded yet: teach RouteRecorder " + method + " "
                    + java.util.Arrays.toString(arguments));
        } else if (method.getDeclaringClass() == Object.class) {
            return switch (name) {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == arguments[0];
                default -> "RouteRecorder " + prefix;
            };
        }
        return method.getReturnType().isInstance(self) ? self : null;
    }

    private static String join(String prefix, String path) {
        String joined = prefix + (path.isEmpty() || path.startsWith("/") ? path : "/" + path);
        return joined.isEmpty() ? "/" : joined;
    }
}
