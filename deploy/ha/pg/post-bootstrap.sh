#!/bin/sh
# Patroni's post_bootstrap (deploy/ha/pg/patroni.yml): the application role and database, once, on the node that
# bootstraps the cluster. Patroni passes a connection string to the new primary as $1.
set -eu
psql "$1" -v ON_ERROR_STOP=1 -v pw="$APP_DB_PASSWORD" <<'SQL'
create role primetrade login password :'pw';
create database primetrade owner primetrade;
SQL
