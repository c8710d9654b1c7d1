package io.sessionpresence.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserAgentsTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0",
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36"})
    void browsersComeBackExactlyAndAtMostAThirdAsLong(String ua) {
        String compact = UserAgents.compact(ua);

        assertEquals(ua, UserAgents.expand(compact));
        assertTrue(compact.length() * 3 <= ua.length(), compact + " from " + ua.length() + " characters");
    }

    @Test
    void chromeOnWindowsTakesNineCharacters() {
        assertEquals("~0131~N~O", UserAgents.compact(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "~", "~~", "~0", "~z~", "curl/8.5.0", "a~Zb ~ ~~~0 Chrome/~", "Mozilla/5.0 (~0)"})
    void anyStringComesBackExactly(String ua) {
        assertEquals(ua, UserAgents.expand(UserAgents.compact(ua)));
    }

    @Test
    void randomStringsOfPhrasePiecesComeBackExactly() {
        List<String> pieces = List.of("~", "~0", "Mozilla/5.0 (", "Chrome/", ".0.0.0", " Safari/537.36", "x", "é", "😀",
                "Windows NT ", "; rv:", "Mobile", "(", ")", " ");
        Random random = new Random(42);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder ua = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                ua.append(pieces.get(random.nextInt(pieces.size())));
            }
            assertEquals(ua.toString(), UserAgents.expand(UserAgents.compact(ua.toString())));
        }
    }
}
