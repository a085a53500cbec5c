package dev.baton.bench;

/**
 * What a ConcurrentHashMap value needs to do the state table's job: the value plus version,
 * origin, timestamps and max idle.
 */
record Versioned(byte[] value, long version, int origin, long created, long lastAccess, long maxIdle) {}
