[description]
TLS sessions that resume on every node: shares the Baton cluster's session-ticket keys with the
Server's TLS connectors (TLS 1.2 tickets; see README for TLS 1.3). The Jetty JVM needs
--add-opens java.base/sun.security.ssl=ALL-UNNAMED on its command line (or in a [exec] module of
your own); without it Baton logs one warning and TLS sessions resume on their own node only.

[tags]
session
ssl

[depends]
ssl
session-store-baton

[xml]
etc/sessions/baton/tls.xml

[ini-template]
## The ticket keys' rotation and lifetime are Baton settings of the session-store-baton module
## (baton.tlsKeyRotation, baton.tlsTicketLifetime in start.d/session-store-baton.ini).
