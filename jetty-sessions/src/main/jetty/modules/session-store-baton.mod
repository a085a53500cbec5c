[description]
Keeps sessions in the Baton cluster: replicated to the other Jetty (or Tomcat) nodes of the cluster
over JGroups, so a client carries on when its node dies.

[tags]
session

[provides]
session-store

[depends]
sessions
security

[lib]
lib/baton/*.jar

[xml]
etc/sessions/baton/session-store.xml

[ini]
# Baton and JGroups stay invisible to web applications.
jetty.webapp.addHiddenClasses+=,${jetty.base.uri}/lib/baton/
# Store a changed session when the response commits, before the client can see it. Jetty's default
# stores it only when the last concurrent request on the session completes, after the responses went
# out: a node killed in between loses writes its clients saw acknowledged.
jetty.session.flushOnResponseCommit?=true

[ini-template]
## Baton settings (docs/configuration.md). Every one has a default.
## The node name defaults to the worker name (jetty.sessionIdManager.workerName), which must be
## stable and unique per node. Make the secret once and give every node the same file:
##   java -jar lib/baton/baton-jetty-all.jar keygen etc/baton.secret
## generated from dev.baton.cluster.Settings: begin
## nodes with the same name (and network settings) form one cluster
#baton.clusterName=baton
## this node's stable, unique name (no dot); default: Tomcat's jvmRoute or Jetty's worker name, else host-pid
#baton.nodeName=
## the one address cluster traffic uses; a wildcard is refused
#baton.bindAddress=127.0.0.1
## udp (IP multicast + NAKACK2), tcp (TCP + TCPPING, no multicast needed) or the path of a JGroups stack file of your own
#baton.stack=udp
## udp stack: the multicast group; packets from a loopback address get TTL 0
#baton.mcastAddress=239.7.7.7
## udp stack: the multicast port
#baton.mcastPort=45700
## tcp stack: this node's port
#baton.tcpPort=7800
## tcp stack: the members to contact, as host[port],…; default: bindAddress[tcpPort]
#baton.initialHosts=
## replicated: every node holds everything; partitioned: each entry on `owners` nodes chosen by rendezvous hashing; tiered: repository nodes hold everything, edge nodes what they serve
#baton.topology=replicated
## partitioned: copies of each entry
#baton.owners=2
## tiered: edge or repository; a repository with upstream.* settings feeds and asks a higher repository cluster
#baton.role=edge
## sync: a request ends only after every other owner applied its change; async: at once, NAKACK2 repairs losses among live members
#baton.writeMode=sync
## how long a sync write waits for acknowledgements
#baton.syncTimeout=2000
## at the timeout: fail throws (the request fails: the change is applied here, not known to be on every owner); async logs and counts it and answers as if replicated
#baton.syncTimeoutAction=fail
## acknowledgements an owner may miss in a row before it is removed from the view (0: never)
#baton.syncMissesToExclude=3
## the cluster secret inline: 32+ random bytes in base64 (prefer secretFile)
#baton.secret=
## the file holding the cluster secret, made with `java -jar <baton jar>`; readable by the container's user only
baton.secretFile=${jetty.base}/etc/baton.secret
## none runs in plaintext and anyone who can reach the ports can join: a warning is logged at start
#baton.encryption=on
## bound for entries a node holds without owning them
#baton.nearCacheBytes=67108864
## how long a node asks peers for an entry it lacks
#baton.pullTimeout=1000
## how long a joining node waits for its portion before it serves
#baton.stateTransferTimeout=30000
## time between expiry sweeps
#baton.sweepInterval=5000
## time between batches of access times sent to the other nodes
#baton.touchInterval=1000
## how long a delete is remembered beyond the deleted entry's own idle timeout (must outlast a partition)
#baton.tombstoneTtl=600000
## how long the delete of an entry without an idle timeout (a single sign-on) is remembered, before tombstoneTtl
#baton.tombstoneTtlNoTimeout=86400000
## how long a TLS session-ticket key encrypts new tickets before the next one takes over
#baton.tlsKeyRotation=3600000
## how long a ticket stays decryptable after its key stopped encrypting; at least the connectors' TLS session timeout
#baton.tlsTicketLifetime=86400000
## the largest a session attribute may be serialized; setting a bigger one fails at once, naming it
#baton.attributeMaxBytes=1048576
## classes or packages session attributes may hold (com.shop.*, com.shop.**), added to the JDK value types; anything else is refused before any of its code runs
#baton.attributeAllowList=
## on lets web applications' own classes obtain the cluster node (it holds every session and key); off refuses them
#baton.webAppAccess=off
## A tiered repository: the repository cluster above it (each setting as above, prefixed upstream.)
#baton.upstream.clusterName=
#baton.upstream.nodeName=
#baton.upstream.bindAddress=
#baton.upstream.stack=
#baton.upstream.mcastAddress=
#baton.upstream.mcastPort=
#baton.upstream.tcpPort=
#baton.upstream.initialHosts=
#baton.upstream.topology=
#baton.upstream.owners=
#baton.upstream.role=
#baton.upstream.writeMode=
#baton.upstream.syncTimeout=
#baton.upstream.syncTimeoutAction=
#baton.upstream.syncMissesToExclude=
#baton.upstream.secret=
#baton.upstream.secretFile=
#baton.upstream.encryption=
#baton.upstream.nearCacheBytes=
#baton.upstream.pullTimeout=
#baton.upstream.stateTransferTimeout=
#baton.upstream.sweepInterval=
#baton.upstream.touchInterval=
#baton.upstream.tombstoneTtl=
#baton.upstream.tombstoneTtlNoTimeout=
## generated from dev.baton.cluster.Settings: end
#jetty.session.gracePeriod.seconds=3600
#jetty.session.savePeriod.seconds=0
