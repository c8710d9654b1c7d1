package io.sessionpresence.presence;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A reversible short form of User-Agent strings for the stored presence and activity values:
 * the phrases every browser repeats ({@code Mozilla/5.0 (Windows NT 10.0; Win64; x64)
 * AppleWebKit/537.36 (KHTML, like Gecko) Chrome/}, {@code .0.0.0}, {@code  Safari/537.36}, ...)
 * become {@code ~} and one letter; a {@code ~} of the string itself becomes {@code ~~}. Chrome's
 * 111 characters on Windows become 9, so a browser's presence entry stays under Redis's 64-byte
 * limit for compact hashes (README, "Bytes per presence entry"). Any string comes back exactly:
 * at each place the longest phrase that fits is taken, and the letter says which one it was.
 */
final class UserAgents {
    private static final char MARK = '~';
    private static final String CODES = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    /**
     * The phrases, each coded by its place in this list: values in the store name them by it,
     * so new phrases go at the end and none is ever removed or moved.
     */
    private static final List<String> PHRASES = List.of(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/",
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/",
            "Mozilla/5.0 (X11; CrOS x86_64 ",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:",
            "Mozilla/5.0 (X11; Linux x86_64; rv:",
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/",
            "Mozilla/5.0 (iPhone; CPU iPhone OS ",
            "Mozilla/5.0 (iPad; CPU OS ",
            " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/",
            ") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/",
            ") Gecko/20100101 Firefox/",
            "Mozilla/5.0 (",
            "Windows NT 10.0; Win64; x64",
            "Macintosh; Intel Mac OS X ",
            "X11; Linux x86_64",
            "Linux; Android ",
            "AppleWebKit/537.36 (KHTML, like Gecko) ",
            "AppleWebKit/605.1.15 (KHTML, like Gecko) ",
            "Chrome/",
            ".0.0.0",
            " Safari/537.36",
            " Mobile Safari/537.36",
            " Mobile/15E148 Safari/604.1",
            " Safari/605.1.15",
            " Edg/",
            " OPR/",
            " YaBrowser/",
            "SamsungBrowser/",
            "Version/",
            "Firefox/",
            "; rv:",
            "HeadlessChrome/",
            "like Mac OS X",
            "Mobile",
            "Safari/",
            " (KHTML, like Gecko)",
            "Gecko/20100101",
            "CriOS/",
            "FxiOS/",
            "Windows NT ",
            "; Win64; x64");
    /** For each first character, the phrases that start with it, longest first. */
    private static final Map<Character, List<Integer>> BY_FIRST_CHAR = new HashMap<>();

    static {
        if (PHRASES.size() > CODES.length()) {
            throw new IllegalStateException("more phrases than one-letter codes");
        }
        for (int i = 0; i < PHRASES.size(); i++) {
            BY_FIRST_CHAR.computeIfAbsent(PHRASES.get(i).charAt(0), c -> new ArrayList<>()).add(i);
        }
        BY_FIRST_CHAR.values().forEach(list -> list.sort(Comparator.comparingInt((Integer i) -> PHRASES.get(i).length()).reversed()));
    }

    private UserAgents() {
    }

    static String compact(String ua) {
        StringBuilder out = new StringBuilder(ua.length());
        int at = 0;
        while (at < ua.length()) {
            char c = ua.charAt(at);
            int phrase = longestPhraseAt(ua, at);
            if (phrase >= 0) {
                out.append(MARK).append(CODES.charAt(phrase));
                at += PHRASES.get(phrase).length();
            } else {
                out.append(c);
                if (c == MARK) {
                    out.append(MARK);
                }
                at++;
            }
        }
        return out.toString();
    }

    /** The string {@link #compact} was given; a {@code ~} followed by no known code is kept as is. */
    static String expand(String compact) {
        if (compact.indexOf(MARK) < 0) {
            return compact;
        }
        StringBuilder out = new StringBuilder(compact.length() * 4);
        for (int at = 0; at < compact.length(); at++) {
            char c = compact.charAt(at);
            if (c == MARK && at + 1 < compact.length()) {
                char next = compact.charAt(at + 1);
                int phrase = CODES.indexOf(next);
                if (next == MARK) {
                    out.append(MARK);
                    at++;
                    continue;
                }
                if (phrase >= 0 && phrase < PHRASES.size()) {
                    out.append(PHRASES.get(phrase));
                    at++;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static int longestPhraseAt(String ua, int at) {
        List<Integer> candidates = BY_FIRST_CHAR.get(ua.charAt(at));
        if (candidates != null) {
            for (int phrase : candidates) {
                if (ua.startsWith(PHRASES.get(phrase), at)) {
                    return phrase;
                }
            }
        }
        return -1;
    }
}
