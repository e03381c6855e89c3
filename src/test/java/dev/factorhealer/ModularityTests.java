package dev.factorhealer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the module arrows one-way: every module declares the modules it may use
 * ({@code allowedDependencies} in its {@code package-info.java}), Spring Modulith fails
 * on any other arrow, and {@code docs/architecture.md} shows the same arrows as the code.
 * Also writes the module documentation to {@code target/spring-modulith-docs}.
 */
class ModularityTests {

	private static final Pattern TABLE_ROW = Pattern.compile("^\\| `([a-z]+)` \\| .* \\| (.*) \\|$", Pattern.MULTILINE);

	private final ApplicationModules modules = ApplicationModules.of(FactorHealerApplication.class);

	@Test
	void modulesDependOnlyOnWhatTheyAreAllowedTo() {
		this.modules.verify();
	}

	@Test
	void everyModuleDeclaresItsArrowsAndTheArchitecturePageShowsTheSame() throws IOException {
		Map<String, Set<String>> declared = new TreeMap<>();
		this.modules.forEach((module) -> {
			String name = module.getIdentifier().toString();
			ApplicationModule annotation = packageInfo(module.getBasePackage().getName())
				.getAnnotation(ApplicationModule.class);
			assertThat(annotation).as("@ApplicationModule on %s", name).isNotNull();
			assertThat(annotation.allowedDependencies()).as("allowedDependencies of %s", name)
				.doesNotContain(ApplicationModule.OPEN_TOKEN);
			declared.put(name, new TreeSet<>(Arrays.asList(annotation.allowedDependencies())));
		});

		Map<String, Set<String>> documented = new TreeMap<>();
		Matcher row = TABLE_ROW.matcher(Files.readString(Path.of("docs/architecture.md")));
		while (row.find()) {
			documented.put(row.group(1),
					Arrays.stream(row.group(2).split(","))
						.map((dependency) -> dependency.replace("`", "").trim())
						.filter((dependency) -> dependency.matches("[a-z]+"))
						.collect(Collectors.toCollection(TreeSet::new)));
		}
		assertThat(documented).isEqualTo(declared);
	}

	@Test
	void writesModuleDocumentation() {
		new Documenter(this.modules).writeModulesAsPlantUml().writeIndividualModulesAsPlantUml();
	}

	private static Class<?> packageInfo(String packageName) {
		try {
			return Class.forName(packageName + ".package-info");
		}
		catch (ClassNotFoundException ex) {
			throw new AssertionError("no package-info.java in " + packageName, ex);
		}
	}

}
