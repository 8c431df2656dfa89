# The same rules through m4(1), LAN given with -DLAN=..., DNS defined here.
define(`DNS', `53')dnl
-f flush
add 10 allow udp from LAN to any DNS keep-state
add 20 allow icmp from any to any icmptypes 8,0
add 30 deny ip from any to any
