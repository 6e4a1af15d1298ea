package io.udpnet.coap;

import io.udpnet.coap.message.CoapCode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A resource at one path: a handler per method, link-format attributes for {@code /.well-known/core}, and whether
 * it may be observed (RFC 7641). A method without a handler is answered with 4.05. Add it to one
 * {@link CoapServer}; {@link #changed()} then sends notifications to its observers on every transport that server
 * serves.
 *
 * <pre>{@code
 * CoapResource hello = CoapResource.builder("/hello")
 *         .get(req -> CoapResponse.text("Hello"))
 *         .attribute("rt", "\"greeting\"")
 *         .build();
 * }</pre>
 */
public final class CoapResource {
    private final String path;
    private final Map<Integer, CoapHandler> handlers;
    private final Map<String, String> attributes;
    private final boolean observable;
    private volatile CoapServer server;

    private CoapResource(Builder b) {
        this.path = b.path;
        this.handlers = Map.copyOf(b.handlers);
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
        this.observable = b.observable;
    }

    /**
     * Starts a resource at a path.
     *
     * @param path for example {@code /sensors/temp}; segments are matched exactly
     * @return the builder
     */
    public static Builder builder(String path) {
        return new Builder(path);
    }

    /**
     * Returns the path, normalised to a leading '/' and no trailing '/'.
     *
     * @return the path, normalised to a leading '/' and no trailing '/'
     */
    public String path() {
        return path;
    }

    /**
     * Returns the link-format attributes, in the order given.
     *
     * @return the link-format attributes, in the order given
     */
    public Map<String, String> attributes() {
        return attributes;
    }

    /**
     * Returns whether GET with an Observe option registers an observer.
     *
     * @return whether GET with an Observe option registers an observer
     */
    public boolean isObservable() {
        return observable;
    }

    /**
     * The handler for a method.
     *
     * @param method the method code
     * @return the handler, or {@code null} (answered with 4.05)
     */
    CoapHandler handler(int method) {
        return handlers.get(method);
    }

    void attach(CoapServer s) {
        synchronized (this) {
            if (server != null && server != s) {
                throw new IllegalStateException(path + " already belongs to another CoapServer");
            }
            server = s;
        }
    }

    /**
     * The resource's state changed: every observer gets a notification (made by calling the GET handler again).
     * Does nothing when the resource is not observable or not yet added to a server. Returns at once; the
     * notifications go out from another thread.
     */
    public void changed() {
        CoapServer s = server;
        if (observable && s != null) {
            s.notifyObservers(this);
        }
    }

    /** Builds a {@link CoapResource}. */
    public static final class Builder {
        private final String path;
        private final Map<Integer, CoapHandler> handlers = new LinkedHashMap<>();
        private final Map<String, String> attributes = new LinkedHashMap<>();
        private boolean observable;

        private Builder(String path) {
            this.path = normalise(Objects.requireNonNull(path, "path"));
        }

        /**
         * Sets the GET handler.
         *
         * @param h the handler
         * @return this
         */
        public Builder get(CoapHandler h) {
            handlers.put(CoapCode.GET, Objects.requireNonNull(h));
            return this;
        }

        /**
         * Sets the PUT handler.
         *
         * @param h the handler
         * @return this
         */
        public Builder put(CoapHandler h) {
            handlers.put(CoapCode.PUT, Objects.requireNonNull(h));
            return this;
        }

        /**
         * Sets the POST handler.
         *
         * @param h the handler
         * @return this
         */
        public Builder post(CoapHandler h) {
            handlers.put(CoapCode.POST, Objects.requireNonNull(h));
            return this;
        }

        /**
         * Sets the DELETE handler.
         *
         * @param h the handler
         * @return this
         */
        public Builder delete(CoapHandler h) {
            handlers.put(CoapCode.DELETE, Objects.requireNonNull(h));
            return this;
        }

        /**
         * Adds a link-format attribute (RFC 6690), written as given: quote string values yourself, for example
         * {@code attribute("rt", "\"temperature\"")} or {@code attribute("ct", "0")}.
         *
         * @param name the attribute name
         * @param value the value, or "" for a bare attribute such as {@code obs}
         * @return this
         */
        public Builder attribute(String name, String value) {
            attributes.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        /**
         * Makes the resource observable; adds the {@code obs} attribute.
         *
         * @return this
         */
        public Builder observable() {
            this.observable = true;
            attributes.put("obs", "");
            return this;
        }

        /**
         * Builds the resource.
         *
         * @return the resource
         */
        public CoapResource build() {
            return new CoapResource(this);
        }
    }

    static String normalise(String path) {
        StringBuilder sb = new StringBuilder();
        for (String seg : path.split("/")) {
            if (!seg.isEmpty()) {
                sb.append('/').append(seg);
            }
        }
        return sb.isEmpty() ? "/" : sb.toString();
    }
}
