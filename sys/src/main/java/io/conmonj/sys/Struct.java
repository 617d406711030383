package io.conmonj.sys;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A C struct's layout, declared by field name: offsets follow the C rules of x86_64 and aarch64 (each field at its
 * natural alignment, the size rounded up to the largest), or none at all for a packed struct. Callers keep the
 * offsets they need in constants ({@code EVENT.offset("data")}), so no bare number stands for a field.
 */
public final class Struct {
    private final String name;
    private final Map<String, Long> offsets;
    private final Map<String, Long> sizes;
    private final long size;

    private Struct(String name, Map<String, Long> offsets, Map<String, Long> sizes, long size) {
        this.name = name;
        this.offsets = offsets;
        this.sizes = sizes;
        this.size = size;
    }

    /** A struct laid out as the C compiler does. */
    public static Builder of(String name) {
        return new Builder(name, false);
    }

    /** A {@code __attribute__((packed))} struct (e.g. {@code struct epoll_event} on x86_64). */
    public static Builder packed(String name) {
        return new Builder(name, true);
    }

    public long offset(String field) {
        Long offset = offsets.get(field);
        if (offset == null) {
            throw new IllegalArgumentException("struct " + name + " has no field " + field);
        }
        return offset;
    }

    /**
     * Where {@code field} ends: a struct that reports its own size (a versioned ABI struct) holds the field when
     * that size is at least this.
     */
    public long end(String field) {
        return offset(field) + sizes.get(field);
    }

    /** {@code sizeof(struct name)}. */
    public long size() {
        return size;
    }

    public static final class Builder {
        private final String name;
        private final boolean packed;
        private final Map<String, Long> offsets = new LinkedHashMap<>();
        private final Map<String, Long> sizes = new LinkedHashMap<>();
        private long next;
        private long alignment = 1;

        private Builder(String name, boolean packed) {
            this.name = name;
            this.packed = packed;
        }

        public Builder i16(String field) {
            return field(field, 2, 2);
        }

        public Builder i32(String field) {
            return field(field, 4, 4);
        }

        public Builder i64(String field) {
            return field(field, 8, 8);
        }

        /** A pointer or {@code size_t} (64-bit targets only, as the rest of the project). */
        public Builder pointer(String field) {
            return field(field, 8, 8);
        }

        /** {@code char field[length]}. */
        public Builder bytes(String field, int length) {
            return field(field, length, 1);
        }

        private Builder field(String field, long size, long align) {
            if (offsets.containsKey(field)) {
                throw new IllegalArgumentException("struct " + name + ": field " + field + " twice");
            }
            if (!packed) {
                next = (next + align - 1) / align * align;
                alignment = Math.max(alignment, align);
            }
            offsets.put(field, next);
            sizes.put(field, size);
            next += size;
            return this;
        }

        public Struct build() {
            long size = (next + alignment - 1) / alignment * alignment;
            return new Struct(name, Map.copyOf(offsets), Map.copyOf(sizes), size);
        }
    }
}
