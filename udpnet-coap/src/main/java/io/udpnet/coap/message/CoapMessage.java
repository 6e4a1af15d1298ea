package io.udpnet.coap.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One CoAP message (RFC 7252 section 3): type, code, message ID, token, options and payload. Immutable; options are
 * kept sorted by number (options of one number keep their order, which matters for Uri-Path). Made with
 * {@link #builder()}, read from the wire with {@link MessageCodec#decode}.
 */
public final class CoapMessage {
    private static final byte[] NONE = new byte[0];
    private static final Comparator<CoapOption> BY_NUMBER = Comparator.comparingInt(CoapOption::number);

    private final MessageType type;
    private final int code;
    private final int messageId;
    private final byte[] token;
    private final List<CoapOption> options;
    private final byte[] payload;

    private CoapMessage(Builder b) {
        this.type = Objects.requireNonNull(b.type, "type");
        this.code = b.code;
        this.messageId = b.messageId;
        this.token = b.token;
        ArrayList<CoapOption> sorted = new ArrayList<>(b.options);
        sorted.sort(BY_NUMBER); // stable: repeated options keep their order
        this.options = List.copyOf(sorted);
        this.payload = b.payload;
    }

    /**
     * A builder with type CON, code 0.00, message ID 0, no token, options or payload.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * An empty message (code 0.00): an ACK or RST for {@code messageId}, or a CON ping.
     *
     * @param type the type
     * @param messageId the message ID
     * @return the message
     */
    public static CoapMessage empty(MessageType type, int messageId) {
        return builder().type(type).messageId(messageId).build();
    }

    /**
     * A builder starting from this message's fields.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder().type(type).code(code).messageId(messageId).token(token).payload(payload);
        b.options.addAll(options);
        return b;
    }

    /**
     * Returns the type.
     *
     * @return the type
     */
    public MessageType type() {
        return type;
    }

    /**
     * Returns the code, see {@link CoapCode}.
     *
     * @return the code, see {@link CoapCode}
     */
    public int code() {
        return code;
    }

    /**
     * Returns the message ID, 0..65535.
     *
     * @return the message ID, 0..65535
     */
    public int messageId() {
        return messageId;
    }

    /**
     * Returns the token, 0..8 bytes; do not modify.
     *
     * @return the token, 0..8 bytes; do not modify
     */
    public byte[] token() {
        return token;
    }

    /**
     * Returns the options, sorted by number.
     *
     * @return the options, sorted by number
     */
    public List<CoapOption> options() {
        return options;
    }

    /**
     * Returns the payload, possibly empty; do not modify.
     *
     * @return the payload, possibly empty; do not modify
     */
    public byte[] payload() {
        return payload;
    }

    /**
     * The first option with a number.
     *
     * @param number the option number
     * @return the option, or {@code null}
     */
    public CoapOption option(int number) {
        for (CoapOption o : options) {
            if (o.number() == number) {
                return o;
            }
        }
        return null;
    }

    /**
     * All options with a number, in order.
     *
     * @param number the option number
     * @return the options, possibly none
     */
    public List<CoapOption> options(int number) {
        List<CoapOption> out = new ArrayList<>(2);
        for (CoapOption o : options) {
            if (o.number() == number) {
                out.add(o);
            }
        }
        return out;
    }

    /**
     * An unsigned integer option's value.
     *
     * @param number the option number
     * @return the value, or -1 when the option is absent
     */
    public long uintOption(int number) {
        CoapOption o = option(number);
        return o == null ? -1 : o.asUint();
    }

    /**
     * The Uri-Path options joined with '/' and a leading '/'.
     *
     * @return the path, "/" for none
     */
    public String uriPath() {
        StringBuilder sb = new StringBuilder();
        for (CoapOption o : options(OptionNumber.URI_PATH)) {
            sb.append('/').append(o.asString());
        }
        return sb.isEmpty() ? "/" : sb.toString();
    }

    /**
     * The Uri-Query options.
     *
     * @return each {@code key=value} (or {@code key}) item
     */
    public List<String> uriQuery() {
        return options(OptionNumber.URI_QUERY).stream().map(CoapOption::asString).toList();
    }

    /**
     * Whether this is an empty message (code 0.00).
     *
     * @return true when empty
     */
    public boolean isEmpty() {
        return code == CoapCode.EMPTY;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoapMessage m && m.type == type && m.code == code && m.messageId == messageId
                && Arrays.equals(m.token, token) && m.options.equals(options) && Arrays.equals(m.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, code, messageId, Arrays.hashCode(token), options, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return type + " " + CoapCode.toString(code) + " mid=" + messageId + " token=" + HexFormat.of().formatHex(token)
                + " " + options + " payload=" + payload.length + "B";
    }

    /** Builds a {@link CoapMessage}; not thread-safe. */
    public static final class Builder {
        private MessageType type = MessageType.CON;
        private int code;
        private int messageId;
        private byte[] token = NONE;
        private final List<CoapOption> options = new ArrayList<>();
        private byte[] payload = NONE;

        private Builder() {
        }

        /**
         * Sets the type.
         *
         * @param t the type
         * @return this
         */
        public Builder type(MessageType t) {
            this.type = Objects.requireNonNull(t);
            return this;
        }

        /**
         * Sets the code.
         *
         * @param c the wire value, 0..255
         * @return this
         */
        public Builder code(int c) {
            if (c < 0 || c > 255) {
                throw new IllegalArgumentException("code " + c);
            }
            this.code = c;
            return this;
        }

        /**
         * Sets the message ID.
         *
         * @param id 0..65535
         * @return this
         */
        public Builder messageId(int id) {
            if (id < 0 || id > 0xFFFF) {
                throw new IllegalArgumentException("message id " + id);
            }
            this.messageId = id;
            return this;
        }

        /**
         * Sets the token (not copied).
         *
         * @param t 0..8 bytes
         * @return this
         */
        public Builder token(byte[] t) {
            if (t.length > 8) {
                throw new IllegalArgumentException("token of " + t.length + " bytes");
            }
            this.token = t;
            return this;
        }

        /**
         * Adds an option.
         *
         * @param o the option
         * @return this
         */
        public Builder option(CoapOption o) {
            options.add(Objects.requireNonNull(o));
            return this;
        }

        /**
         * Removes every option with a number.
         *
         * @param number the option number
         * @return this
         */
        public Builder removeOptions(int number) {
            options.removeIf(o -> o.number() == number);
            return this;
        }

        /**
         * Adds one Uri-Path option per segment of {@code path} (empty segments skipped).
         *
         * @param path for example {@code /sensors/temp}
         * @return this
         */
        public Builder uriPath(String path) {
            for (String seg : path.split("/")) {
                if (!seg.isEmpty()) {
                    option(CoapOption.ofString(OptionNumber.URI_PATH, seg));
                }
            }
            return this;
        }

        /**
         * Sets the payload (not copied).
         *
         * @param p the bytes
         * @return this
         */
        public Builder payload(byte[] p) {
            this.payload = Objects.requireNonNull(p);
            return this;
        }

        /**
         * Builds the message.
         *
         * @return the message
         */
        public CoapMessage build() {
            return new CoapMessage(this);
        }
    }
}
