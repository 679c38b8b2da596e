#!/bin/bash
# One-shot for the secure compose profile: a CA of this stack, and a PKCS#12 key store signed by
# it for the broker and for each client. Runs once: existing certificates are kept.
set -euo pipefail
: "${ORGOS_KEYSTORE_PASSWORD:?set ORGOS_KEYSTORE_PASSWORD}"
cd "${CERTS_DIR:-/certs}"
if [ -f ca.crt ]; then
  echo "certificates exist; keeping them"
  exit 0
fi
pw="$ORGOS_KEYSTORE_PASSWORD"
keytool -genkeypair -alias ca -dname "CN=orgos-compose-ca" -keyalg EC -groupname secp256r1 -validity 825 \
  -ext bc:c -keystore ca.p12 -storetype PKCS12 -storepass "$pw"
keytool -exportcert -rfc -alias ca -keystore ca.p12 -storepass "$pw" -file ca.crt
for name in kafka orgos-init execution-gateway coordination-router escalation-service accountability-ledger; do
  san=""
  [ "$name" = kafka ] && san="-ext SAN=dns:kafka,dns:localhost"
  keytool -genkeypair -alias "$name" -dname "CN=$name" -keyalg EC -groupname secp256r1 -validity 825 \
    -keystore "$name.p12" -storetype PKCS12 -storepass "$pw"
  keytool -certreq -alias "$name" -keystore "$name.p12" -storepass "$pw" -file "$name.csr"
  # shellcheck disable=SC2086
  keytool -gencert -alias ca -keystore ca.p12 -storepass "$pw" -infile "$name.csr" -outfile "$name.crt" -rfc -validity 825 $san
  keytool -importcert -noprompt -alias ca -file ca.crt -keystore "$name.p12" -storepass "$pw"
  keytool -importcert -alias "$name" -file "$name.crt" -keystore "$name.p12" -storepass "$pw"
  rm "$name.csr"
done
cat > healthcheck.properties <<PROPS
security.protocol=SSL
ssl.keystore.type=PKCS12
ssl.keystore.location=/certs/orgos-init.p12
ssl.keystore.password=$pw
ssl.truststore.type=PEM
ssl.truststore.location=/certs/ca.crt
PROPS
# the services run as an unprivileged user; the CA's private key stays readable by root only
chmod 644 ./*.p12 ca.crt healthcheck.properties
chmod 600 ca.p12
echo "made a CA and key stores for: kafka orgos-init execution-gateway coordination-router escalation-service accountability-ledger"
