// api::LooksLikePersonalData: the names a steward would recognise as
// personal data, and the common field names that are not.
#include <gtest/gtest.h>

#include "api/personal_data_names.h"

namespace catalog::api {
namespace {

TEST(LooksLikePersonalData, DutchAndEnglishNamesInAnySpelling) {
  for (const char* name :
       {"bsn", "BSN", "bsn_partner", "burgerservicenummer", "BurgerServiceNummer", "geboortedatum",
        "geboorte_datum", "GeboorteDatumKind", "woonadres", "adres", "post_adres", "e_mail",
        "emailadres", "telefoonNummer", "telefoon", "iban", "rekeningnummer", "voornamen",
        "achternaam", "geslachtsnaam", "kenteken", "nationaliteit", "date_of_birth", "birthDate",
        "first_name", "lastName", "phone_number", "home_address", "ip_adres", "paspoortnummer",
        "overlijdensdatum"}) {
    EXPECT_TRUE(LooksLikePersonalData(name)) << name;
  }
}

TEST(LooksLikePersonalData, OrdinaryFieldsAreNot) {
  for (const char* name :
       {"id", "naam", "straatnaam", "huisnummer", "postcode", "boomsoort", "aanvraag_id",
        "voorziening", "leeftijd", "adressen_count", "gemeentecode", "datum", "bedrag",
        "status", "", "___"}) {
    EXPECT_FALSE(LooksLikePersonalData(name)) << name;
  }
}

}  // namespace
}  // namespace catalog::api
