//! The Azure guided flow's step 1 and 2 rules: the vault, KEK name and size typed in give the
//! `az keyvault key create`/`show` commands, and the pasted JSON must be that very KEK.
//! Pure, so every refusal is tested natively and comes before anything is sent.

use crate::domain::azure::command::{Vault, create_kek, show_key};
use crate::domain::azure::kek::{AzureKek, KEK_BITS};
use crate::domain::azure::kid::{AzureKeyId, KeyName, VaultKind, VaultName};
use crate::domain::cli::CliCommand;

/// What step 1 asks, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzureKekInput {
    pub vault_name: String,
    pub kind: VaultKind,
    pub kek_name: String,
    pub bits: usize,
}

impl Default for AzureKekInput {
    fn default() -> Self {
        Self {
            vault_name: String::new(),
            kind: VaultKind::KeyVault,
            kek_name: "KEKforBYOK".to_owned(),
            bits: 4096,
        }
    }
}

/// The KEK step 1 describes, every part checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzureKekPlan {
    pub vault: Vault,
    pub kek_name: KeyName,
    pub bits: usize,
}

impl AzureKekInput {
    /// Checks each part; the first refusal names the field and how to fix it.
    pub fn plan(&self) -> Result<AzureKekPlan, String> {
        if self.vault_name.trim().is_empty() {
            return Err(format!(
                "Type the {} name (the <name> of https://<name>.{}): the commands address it.",
                self.kind.describe(),
                host(self.kind)
            ));
        }
        let name = VaultName::parse(&self.vault_name)?;
        let kek_name = KeyName::parse(&self.kek_name).map_err(|e| format!("KEK name: {e}"))?;
        if !KEK_BITS.contains(&self.bits) {
            return Err(format!(
                "An Azure KEK is RSA 2048, 3072 or 4096 bits, not {}: choose one of these sizes.",
                self.bits
            ));
        }
        Ok(AzureKekPlan {
            vault: Vault {
                name,
                kind: self.kind,
            },
            kek_name,
            bits: self.bits,
        })
    }
}

/// The host a vault of this kind is named under (public cloud).
fn host(kind: VaultKind) -> &'static str {
    match kind {
        VaultKind::KeyVault => "vault.azure.net",
        VaultKind::ManagedHsm => "managedhsm.azure.net",
    }
}

impl AzureKekPlan {
    /// `az keyvault key create --kty RSA-HSM --size … --ops import`.
    pub fn create_command(&self) -> CliCommand {
        create_kek(&self.vault, &self.kek_name, self.bits)
    }

    /// `az keyvault key show`: the JSON step 2 reads.
    pub fn show_command(&self) -> CliCommand {
        show_key(&self.vault, &self.kek_name)
    }

    /// Refuses a pasted KEK that is not the one step 1 created: another vault, kind of vault,
    /// name or size (the JSON's own checks — RSA-HSM, `import` only, enabled — are `parse_kek`'s).
    pub fn check_pasted(&self, kek: &AzureKek) -> Result<(), String> {
        let kid = &kek.kid;
        let fix =
            "paste the output of the az keyvault key show command above, or change step 1 to match";
        if kid.kind() != self.vault.kind {
            return Err(format!(
                "The pasted KEK is in a {}, not a {} as step 1 says: {fix}.",
                kid.kind().describe(),
                self.vault.kind.describe()
            ));
        }
        if kid.vault_name() != &self.vault.name {
            return Err(format!(
                "The pasted KEK is in the {} {}, not {} as step 1 says: {fix}.",
                kid.kind().describe(),
                kid.vault_name(),
                self.vault.name
            ));
        }
        if !kid
            .key_name()
            .as_str()
            .eq_ignore_ascii_case(self.kek_name.as_str())
        {
            return Err(format!(
                "The pasted KEK is named {}, not {} as step 1 says: {fix}.",
                kid.key_name(),
                self.kek_name
            ));
        }
        if kek.bits() != self.bits {
            return Err(format!(
                "The pasted KEK is RSA {}-bit, not {}-bit as step 1 says: {fix}.",
                kek.bits(),
                self.bits
            ));
        }
        Ok(())
    }
}

/// Step 5's check after the import: `az keyvault key show` of the key `key_name` (as typed
/// in the result) in the KEK's vault.
pub fn show_imported(kid: &AzureKeyId, key_name: &str) -> Result<CliCommand, String> {
    let name = KeyName::parse(key_name).map_err(|e| format!("Key name in Azure: {e}"))?;
    Ok(show_key(&Vault::of(kid), &name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::azure::kek::parse_kek;

    const KID: &str =
        "https://contosokv.vault.azure.net/keys/KEKforBYOK/664f5aa2797a4075b8e36ca4500636d8";

    fn input() -> AzureKekInput {
        AzureKekInput {
            vault_name: " ContosoKV ".to_owned(),
            ..AzureKekInput::default()
        }
    }

    fn pasted(kid: &str, pem: &str) -> AzureKek {
        parse_kek(pem, Some(kid)).unwrap()
    }

    const PEM_4096: &str = include_str!("../../../tests/fixtures/rsa4096.spki.pem");

    fn pem_2048() -> String {
        use base64::Engine;
        let der = include_bytes!("../../../tests/fixtures/rsa2048.spki.der");
        let body = base64::engine::general_purpose::STANDARD.encode(der);
        format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n")
    }

    #[test]
    fn step_one_gives_the_create_and_show_commands() {
        let plan = input().plan().unwrap();
        assert_eq!(
            plan.create_command().one_line(),
            "az keyvault key create --kty RSA-HSM --size 4096 --name KEKforBYOK --ops import --vault-name contosokv"
        );
        assert_eq!(
            plan.show_command().one_line(),
            "az keyvault key show --name KEKforBYOK --vault-name contosokv"
        );
        let hsm = AzureKekInput {
            kind: VaultKind::ManagedHsm,
            bits: 3072,
            ..input()
        };
        assert!(
            hsm.plan()
                .unwrap()
                .create_command()
                .one_line()
                .ends_with("--size 3072 --name KEKforBYOK --ops import --hsm-name contosokv")
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        let empty = AzureKekInput::default().plan().unwrap_err();
        assert!(empty.starts_with("Type the Key Vault name"), "{empty}");
        let bad = AzureKekInput {
            vault_name: "9vault".into(),
            ..input()
        };
        assert!(
            bad.plan()
                .unwrap_err()
                .starts_with("The vault name \"9vault\"")
        );
        let bad = AzureKekInput {
            kek_name: "my kek".into(),
            ..input()
        };
        assert!(
            bad.plan()
                .unwrap_err()
                .starts_with("KEK name: The key name \"my kek\"")
        );
        let bad = AzureKekInput {
            bits: 1024,
            ..input()
        };
        assert_eq!(
            bad.plan().unwrap_err(),
            "An Azure KEK is RSA 2048, 3072 or 4096 bits, not 1024: choose one of these sizes."
        );
    }

    #[test]
    fn the_imported_key_is_shown_in_the_keks_vault() {
        let kid = AzureKeyId::parse(KID).unwrap();
        assert_eq!(
            show_imported(&kid, "payments").unwrap().one_line(),
            "az keyvault key show --name payments --vault-name contosokv"
        );
        assert!(
            show_imported(&kid, "")
                .unwrap_err()
                .starts_with("Key name in Azure: No key name")
        );
    }

    #[test]
    fn only_the_kek_of_step_one_is_taken() {
        let plan = input().plan().unwrap();
        assert_eq!(plan.check_pasted(&pasted(KID, PEM_4096)), Ok(()));
        let other_vault = KID.replace("contosokv", "fabrikamkv");
        assert!(
            plan.check_pasted(&pasted(&other_vault, PEM_4096))
                .unwrap_err()
                .starts_with("The pasted KEK is in the Key Vault fabrikamkv, not contosokv")
        );
        let hsm = "https://contosokv.managedhsm.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621";
        assert!(
            plan.check_pasted(&pasted(hsm, PEM_4096))
                .unwrap_err()
                .starts_with("The pasted KEK is in a Managed HSM, not a Key Vault")
        );
        let other_name = KID.replace("KEKforBYOK", "OtherKEK");
        assert!(
            plan.check_pasted(&pasted(&other_name, PEM_4096))
                .unwrap_err()
                .starts_with("The pasted KEK is named OtherKEK, not KEKforBYOK")
        );
        assert!(
            plan.check_pasted(&pasted(KID, &pem_2048()))
                .unwrap_err()
                .starts_with("The pasted KEK is RSA 2048-bit, not 4096-bit")
        );
    }
}
