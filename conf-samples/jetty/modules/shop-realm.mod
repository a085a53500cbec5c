[description]
The login realm of the sample shop (users in etc/shop-realm.properties).

[depends]
server
security

[xml]
etc/shop-realm.xml
