"""Reports: one engine every module and pack feeds through `kht_register_reports`."""
