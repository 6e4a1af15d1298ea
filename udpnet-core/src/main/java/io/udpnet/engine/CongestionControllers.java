package io.udpnet.engine;

import io.udpnet.CongestionConfig;

/** Makes the congestion controller a {@link CongestionConfig} names: the engine's side of that plain setting. */
final class CongestionControllers {
    private CongestionControllers() {
    }

    /** A new controller of the configured algorithm, for one connection. */
    static CongestionController create(CongestionConfig config) {
        return switch (config.algorithm()) {
            case BBR -> new BbrCongestionControl(config);
            case NEW_RENO -> new NewRenoCongestionControl(config);
            case NONE -> new NoCongestionControl();
        };
    }
}
