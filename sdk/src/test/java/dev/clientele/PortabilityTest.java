package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class PortabilityTest {
  @Test
  void exportPersonalData_bundleHoldsTheMergedPersonsIdentifiersAndEvents() throws IOException {
    Clientele c = ErasureTest.loaded(ErasurePolicy.defaults());
    ProfileId ann = ErasureTest.ann(c);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    c.exportPersonalData(ann, out);

    JsonNode b = new ObjectMapper().readTree(out.toByteArray());
    assertThat(b.get("profile").get("id").asText()).isEqualTo(ann.value());
    assertThat(b.get("identifiers").findValuesAsText("value"))
        .containsExactlyInAnyOrder("ann.secret@example.com", "c-ann", "dev-ann");
    assertThat(b.get("events").findValuesAsText("id")).containsExactly("a-1", "a-2", "a-3");
    assertThat(b.get("attributes").get("first_name").get("value").asText()).isEqualTo("Annabel");
    assertThat(new String(out.toByteArray(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("bob");
  }

  @Test
  void exportPersonalData_unknownProfile_throws() {
    Clientele c = ErasureTest.loaded(ErasurePolicy.defaults());
    assertThatThrownBy(() -> c.exportPersonalData(ProfileId.of("p-none"), new ByteArrayOutputStream()))
        .isInstanceOf(NoSuchElementException.class);
    assertThat(c.profile(Identifier.of(IdentifierType.EMAIL, "bob@example.com"))).isPresent();
  }
}
