// cloud-init's schema check of the merged user-data (cloudinit/cmd/main.py calls
// validate_cloudconfig_schema(strict=False, log_details=False) in the init stage; cloudinit/config/schema.py).
// A failure is one WARNING, not a module failure: the modules still run, and in 23.4+ the warning makes
// the boot "degraded done". Modelled: the top-level keys of schema-cloud-config-v1.json (24.4), which has
// additionalProperties: false, and the types of the keys the simulator acts on.
import { z } from "zod";
import { ModuleSchemas } from "./config";

// cloudinit/config/schemas/schema-cloud-config-v1.json at 24.4: `properties` plus the properties of every
// module schema in `allOf`.
const KNOWN_KEYS = new Set(
  (
    "allow_public_ssh_keys ansible apk_repos apt apt_pipelining apt_reboot_if_required apt_update apt_upgrade authkey_hash " +
    "autoinstall bootcmd byobu_by_default ca-certs ca_certs chef chpasswd cloud_config_modules cloud_final_modules " +
    "cloud_init_modules create_hostname_file device_aliases disable_ec2_metadata disable_root disable_root_opts disk_setup " +
    "drivers fan final_message fqdn fs_setup groups growpart grub-dpkg grub_dpkg hostname keyboard landscape launch-index " +
    "locale locale_configfile lxd manage_etc_hosts manage_resolv_conf mcollective merge_how merge_type migrate " +
    "mount_default_fields mounts no_ssh_fingerprints ntp output package_reboot_if_required package_update package_upgrade " +
    "packages password phone_home power_state prefer_fqdn_over_hostname preserve_hostname puppet random_seed reporting " +
    "resize_rootfs resolv_conf rh_subscription rsyslog runcmd salt_minion snap spacewalk ssh ssh_authorized_keys " +
    "ssh_deletekeys ssh_fp_console_blacklist ssh_genkeytypes ssh_import_id ssh_key_console_blacklist ssh_keys " +
    "ssh_publish_hostkeys ssh_pwauth ssh_quiet_keygen swap system_info timezone ubuntu_advantage ubuntu_pro updates user " +
    "users vendor_data version wireguard write_files yum_repo_dir yum_repos zypper"
  ).split(" "),
);

// The schema is stricter than what the modules accept: write_files.permissions must be a string
// ("octal string '0###'"), so `permissions: 0755` works (decode_perms takes the int) but fails the schema.
const SchemaWriteFile = z.object({ path: z.string(), permissions: z.string().optional() }).passthrough();
const SchemaOverrides: Record<string, z.ZodTypeAny> = { write_files: z.array(SchemaWriteFile) };

/** The schema problems of a merged config, as "path: message" (empty when it is valid). */
export function schemaProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (!KNOWN_KEYS.has(key)) {
      problems.push(`${key}: Additional properties are not allowed ('${key}' was unexpected)`);
      continue;
    }
    const schemas = [ModuleSchemas[key as keyof typeof ModuleSchemas], SchemaOverrides[key]].filter((s): s is z.ZodTypeAny => s !== undefined);
    for (const schema of schemas) {
      const r = schema.safeParse(value);
      if (!r.success) for (const i of r.error.issues) problems.push(`${[key, ...i.path].join(".")}: ${i.message}`);
    }
  }
  return problems;
}

/** The single WARNING cloud-init logs for an invalid user-data (log_details=False). */
export const SCHEMA_WARNING = "cloud-config failed schema validation! You may run 'sudo cloud-init schema --system' to check the details.";
