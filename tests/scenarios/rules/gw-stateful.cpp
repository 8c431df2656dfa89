/* The same rules through cpp(1): '#' lines are directives here, the
   line markers cpp writes are comments to ipfw. */
#define DNS 53
-f flush
add 10 allow udp from LAN to any DNS keep-state
add 20 allow icmp from any to any icmptypes 8,0
add 30 deny ip from any to any
