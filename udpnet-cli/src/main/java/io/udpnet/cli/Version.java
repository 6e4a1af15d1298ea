package io.udpnet.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version printed by {@code --version} on every command, read from a resource the build fills in from the POM,
 * so that the version is written in one place only.
 */
final class Version implements IVersionProvider {

    /**
     * The project version, e.g. {@code 0.1.0-SNAPSHOT}.
     *
     * @return the version the build recorded
     * @throws IllegalStateException when the resource is missing (a build that skipped resource processing)
     */
    static String number() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties missing from the udpnet-cli build");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"udpnet " + number()};
    }
}
