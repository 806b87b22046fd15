/**
 * The built-in services and protocols tables: what `getservbyname()` and friends use where
 * `/etc/services` or `/etc/protocols` is missing, and to fill in entries a minimal system file
 * lacks. Names, ports and aliases follow IANA's registry as Debian's netbase spells them, and
 * every service polyport serves is here, over UDP too where its RFC defines it.
 */
import type { ProtocolEntry, ServiceEntry } from './service-entry.js';

/** Compact rows: `name port/proto alias…`, so the table reads like `/etc/services`. */
const SERVICE_ROWS = `
tcpmux 1/tcp
echo 7/tcp
echo 7/udp
discard 9/tcp sink null
discard 9/udp sink null
systat 11/tcp users
daytime 13/tcp
daytime 13/udp
netstat 15/tcp
qotd 17/tcp quote
qotd 17/udp quote
chargen 19/tcp ttytst source
chargen 19/udp ttytst source
ftp-data 20/tcp
ftp 21/tcp
ssh 22/tcp
telnet 23/tcp
smtp 25/tcp mail
time 37/tcp timserver
time 37/udp timserver
whois 43/tcp nicname
tacacs 49/tcp
tacacs 49/udp
domain 53/tcp
domain 53/udp
bootps 67/udp
bootpc 68/udp
tftp 69/udp
gopher 70/tcp
finger 79/tcp
http 80/tcp www
kerberos 88/tcp kerberos5 krb5 kerberos-sec
kerberos 88/udp kerberos5 krb5 kerberos-sec
pop3 110/tcp pop-3
sunrpc 111/tcp portmapper
sunrpc 111/udp portmapper
auth 113/tcp authentication tap ident
nntp 119/tcp readnews untp
ntp 123/udp
epmap 135/tcp loc-srv
netbios-ns 137/udp
netbios-dgm 138/udp
netbios-ssn 139/tcp
imap2 143/tcp imap
snmp 161/tcp
snmp 161/udp
snmp-trap 162/tcp snmptrap
snmp-trap 162/udp snmptrap
bgp 179/tcp
irc 194/tcp
ldap 389/tcp
ldap 389/udp
https 443/tcp
https 443/udp
microsoft-ds 445/tcp
submissions 465/tcp ssmtp smtps urd
syslog 514/udp
printer 515/tcp spooler
submission 587/tcp
ldaps 636/tcp
domain-s 853/tcp
domain-s 853/udp
rsync 873/tcp
ftps-data 989/tcp
ftps 990/tcp
telnets 992/tcp
imaps 993/tcp
pop3s 995/tcp
socks 1080/tcp
openvpn 1194/tcp
openvpn 1194/udp
ms-sql-s 1433/tcp
nfs 2049/tcp
nfs 2049/udp
mysql 3306/tcp
postgresql 5432/tcp postgres
x11 6000/tcp x11-0
http-alt 8080/tcp webcache
`;

const PROTOCOL_ROWS = `
ip 0 IP
hopopt 0 HOPOPT
icmp 1 ICMP
igmp 2 IGMP
ipencap 4 IP-ENCAP
tcp 6 TCP
egp 8 EGP
udp 17 UDP
ipv6 41 IPv6
ipv6-route 43 IPv6-Route
ipv6-frag 44 IPv6-Frag
gre 47 GRE
esp 50 IPSEC-ESP
ah 51 IPSEC-AH
ipv6-icmp 58 IPv6-ICMP
ipv6-nonxt 59 IPv6-NoNxt
ipv6-opts 60 IPv6-Opts
ospf 89 OSPFIGP
pim 103 PIM
vrrp 112 VRRP
sctp 132 SCTP
udplite 136 UDPLite
`;

function rows(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.split(' '));
}

/**
 * The well-known services, in port order: each `{ name, port, proto, aliases }`.
 *
 * @example
 * WELL_KNOWN_SERVICES.find((s) => s.name === 'finger'); // { name: 'finger', port: 79, … }
 */
export const WELL_KNOWN_SERVICES: readonly ServiceEntry[] = Object.freeze(
  rows(SERVICE_ROWS).map(([name = '', portProto = '', ...aliases]) => {
    const [port = '', proto = ''] = portProto.split('/');
    return Object.freeze({ name, port: Number(port), proto, aliases: Object.freeze(aliases) });
  }),
);

/**
 * The common IP protocol numbers: each `{ name, number, aliases }`.
 *
 * @example
 * WELL_KNOWN_PROTOCOLS.find((p) => p.name === 'udp')?.number; // 17
 */
export const WELL_KNOWN_PROTOCOLS: readonly ProtocolEntry[] = Object.freeze(
  rows(PROTOCOL_ROWS).map(([name = '', number = '', ...aliases]) =>
    Object.freeze({ name, number: Number(number), aliases: Object.freeze(aliases) }),
  ),
);
