package io.sessionpresence.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape: every sample by name and labels (Helidon's {@code scope} label left out). */
public record Scrape(Map<String, List<Sample>> samples) {
    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public record Sample(Map<String, String> labels, double value) {
    }

    public static Scrape parse(String text) {
        Map<String, List<Sample>> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line.strip());
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (m.group(2) != null) {
                Matcher label = LABEL.matcher(m.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            labels.remove("scope");
            samples.computeIfAbsent(m.group(1), k -> new ArrayList<>())
                    .add(new Sample(labels, Double.parseDouble(m.group(3))));
        }
        return new Scrape(samples);
    }

    /** The sample with exactly these labels ({@code name=value} pairs); 0 when there is none yet. */
    public double value(String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.getOrDefault(name, List.of()).stream()
                .filter(s -> s.labels().equals(wanted))
                .mapToDouble(Sample::value)
                .findFirst()
                .orElse(0);
    }

    public boolean has(String name) {
        return samples.containsKey(name);
    }

    /** {@code /observe/metrics} of {@code service}, in Prometheus' text format. */
    public static Scrape of(TestService service) {
        HttpTestClient.Response response = service.get("/observe/metrics", "Accept", "text/plain");
        if (response.status() != 200) {
            throw new AssertionError("metrics answered " + response.status() + ": " + response.body());
        }
        return parse(response.body());
    }

    /** {@code after}'s value of a sample less {@code before}'s: counters are shared by every service of a JVM. */
    public static double delta(Scrape before, Scrape after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }
}
