package dev.workmesh.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class MeshApiApplication {

  public static void main(String[] args) {
    SpringApplication.run(MeshApiApplication.class, args);
  }
}
