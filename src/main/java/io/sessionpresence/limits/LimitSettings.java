package io.sessionpresence.limits;

import io.helidon.config.Config;
import io.sessionpresence.config.Settings;
import io.sessionpresence.http.AddressRanges;

/**
 * The {@code limits.*} keys (documented in config/application.yaml).
 *
 * @param enabled                  false turns every limit off (benchmarks)
 * @param exempt                   addresses and ranges no per-address limit applies to
 * @param createPerUser            session creations per user
 * @param createPerIp              session creations per client address
 * @param anonymousPerIp           heartbeats and session updates without a session token, per address
 * @param adminFailuresPerIp       wrong admin tokens per address
 * @param sessionFailuresPerIp     invalid session tokens per address
 * @param socketConnectionsPerIp   socket connections opened per address
 * @param socketMessages           messages per socket connection
 * @param socketRefusalsToDisconnect refused messages in a row after which the connection is closed
 */
public record LimitSettings(boolean enabled, AddressRanges exempt, Rate createPerUser, Rate createPerIp,
                            Rate anonymousPerIp, Rate adminFailuresPerIp, Rate sessionFailuresPerIp,
                            Rate socketConnectionsPerIp, Rate socketMessages, int socketRefusalsToDisconnect) {

    public static LimitSettings from(Config root) {
        return new LimitSettings(
                Settings.bool(root, "limits.enabled"),
                AddressRanges.setting(root, "limits.exempt"),
                Rate.from(root, "limits.session-create-per-user"),
                Rate.from(root, "limits.session-create-per-ip"),
                Rate.from(root, "limits.anonymous-per-ip"),
                Rate.from(root, "limits.admin-failures-per-ip"),
                Rate.from(root, "limits.session-failures-per-ip"),
                Rate.from(root, "limits.socket-connections-per-ip"),
                Rate.from(root, "limits.socket-messages"),
                Settings.intValue(root, "limits.socket-messages.refusals-to-disconnect", 1));
    }
}
