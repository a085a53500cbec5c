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
## Baton cluster settings. Every one has a default; see README "Configuration".
## The node name defaults to the worker name (jetty.sessionIdManager.workerName), which must be
## stable and unique per node. Make the secret once and give every node the same file:
##   java -jar lib/baton/baton-jetty-all.jar > etc/baton.secret
baton.secretFile=${jetty.base}/etc/baton.secret
#baton.clusterName=baton
#baton.nodeName=
#baton.bindAddress=127.0.0.1
#baton.stack=udp
#baton.mcastAddress=239.7.7.7
#baton.mcastPort=45700
#baton.tcpPort=7800
#baton.initialHosts=
#baton.topology=replicated
#baton.owners=2
#baton.role=edge
#baton.writeMode=sync
#baton.syncTimeout=2000
#baton.syncTimeoutAction=async
#baton.encryption=on
#baton.nearCacheBytes=67108864
#baton.pullTimeout=1000
#baton.stateTransferTimeout=30000
#baton.sweepInterval=5000
#baton.touchInterval=1000
#baton.tombstoneTtl=600000
## Classes or packages session attributes may hold besides JDK value types, comma-separated.
#baton.attributeAllowList=com.example.shop.*
#jetty.session.gracePeriod.seconds=3600
#jetty.session.savePeriod.seconds=0
