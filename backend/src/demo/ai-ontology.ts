/**
 * Demo ontology loaded by `lexikon seed-demo`: a bilingual (French / English) vocabulary of artificial
 * intelligence. Definitions follow terminology practice (genus + differentia, no circularity).
 *
 * Relation conventions:
 * - `is_a` and `part_of` point from the narrower/part term to the broader/whole term (acyclic).
 * - `related_to`, `synonym` and `opposes` are symmetric and are listed once per pair; `synonym` stays within
 *   one language, and a handful of key French terms are linked to their English counterparts with `related_to`.
 * - `precedes` expresses historical or procedural order; `influenced_by` points from the influenced concept.
 */

export type DemoLevel = 'beginner' | 'intermediate' | 'advanced' | 'expert';
export type DemoRelationType =
  'is_a' | 'part_of' | 'related_to' | 'synonym' | 'opposes' | 'causes' | 'precedes' | 'influenced_by';

export interface DemoTerm {
  key: string;
  term: string;
  definition: string;
  domain: string;
  level: DemoLevel;
}

export interface DemoRelation {
  source: string;
  target: string;
  type: DemoRelationType;
  strength?: number;
}

export const demoTerms: readonly DemoTerm[] = [
  // --- French ---
  {
    key: 'fr-ia',
    term: 'Intelligence Artificielle',
    definition:
      "Domaine de l'informatique qui conçoit des systèmes capables d'accomplir des tâches exigeant habituellement des facultés humaines : raisonner, apprendre, percevoir ou comprendre une langue.",
    domain: 'Intelligence artificielle',
    level: 'beginner',
  },
  {
    key: 'fr-apprentissage-automatique',
    term: 'Apprentissage automatique',
    definition:
      "Branche de l'intelligence artificielle qui conçoit des algorithmes capables d'améliorer leurs performances sur une tâche à partir de données, sans que les règles soient programmées explicitement.",
    domain: 'Intelligence artificielle',
    level: 'beginner',
  },
  {
    key: 'fr-apprentissage-profond',
    term: 'Apprentissage profond',
    definition:
      "Ensemble de techniques d'entraînement de réseaux de neurones comportant de nombreuses couches successives, dont chacune extrait une représentation plus abstraite que la précédente.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-reseau-de-neurones',
    term: 'Réseau de neurones',
    definition:
      "Modèle de calcul composé d'unités élémentaires interconnectées et organisées en couches, dont les poids de connexion sont ajustés par entraînement pour approcher une fonction cible.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-neurone-artificiel',
    term: 'Neurone artificiel',
    definition:
      "Unité de calcul élémentaire qui effectue une somme pondérée de ses entrées, y ajoute un biais, puis applique une fonction d'activation pour produire sa sortie.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-fonction-d-activation',
    term: "Fonction d'activation",
    definition:
      'Transformation non linéaire appliquée à la somme pondérée calculée par un neurone, telle que ReLU ou la sigmoïde, qui permet au réseau de modéliser des relations complexes.',
    domain: 'Intelligence artificielle',
    level: 'advanced',
  },
  {
    key: 'fr-retropropagation',
    term: 'Rétropropagation',
    definition:
      "Algorithme qui calcule le gradient de l'erreur par rapport à chaque poids d'un réseau de neurones en appliquant la règle de dérivation en chaîne, couche par couche, de la sortie vers l'entrée.",
    domain: 'Intelligence artificielle',
    level: 'advanced',
  },
  {
    key: 'fr-descente-de-gradient',
    term: 'Descente de gradient',
    definition:
      "Méthode d'optimisation itérative qui ajuste les paramètres d'un modèle par petits pas dans la direction opposée à la pente de la fonction de perte, jusqu'à approcher un minimum.",
    domain: 'Intelligence artificielle',
    level: 'advanced',
  },
  {
    key: 'fr-fonction-de-perte',
    term: 'Fonction de perte',
    definition:
      "Mesure de l'écart entre les prédictions d'un modèle et les valeurs attendues, que l'entraînement cherche à minimiser ; l'erreur quadratique moyenne en est un exemple courant.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-surapprentissage',
    term: 'Surapprentissage',
    definition:
      "Défaut d'un modèle qui mémorise les particularités et le bruit de ses données d'entraînement au point de mal généraliser à des données nouvelles.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-sous-apprentissage',
    term: 'Sous-apprentissage',
    definition:
      "Défaut d'un modèle trop simple pour capter la structure des données, qui commet des erreurs élevées aussi bien sur l'ensemble d'entraînement que sur de nouveaux exemples.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-regularisation',
    term: 'Régularisation',
    definition:
      "Ensemble de techniques qui limitent la complexité effective d'un modèle, par exemple en pénalisant la norme de ses poids ou en désactivant des neurones au hasard, pour réduire le surapprentissage.",
    domain: 'Intelligence artificielle',
    level: 'advanced',
  },
  {
    key: 'fr-apprentissage-supervise',
    term: 'Apprentissage supervisé',
    definition:
      "Paradigme d'entraînement où un modèle établit une correspondance entre des entrées et des sorties à partir d'exemples annotés par des humains.",
    domain: 'Intelligence artificielle',
    level: 'beginner',
  },
  {
    key: 'fr-apprentissage-non-supervise',
    term: 'Apprentissage non supervisé',
    definition:
      "Paradigme d'entraînement où un modèle découvre des regroupements, des régularités ou des structures cachées dans des données dépourvues d'étiquettes.",
    domain: 'Intelligence artificielle',
    level: 'beginner',
  },
  {
    key: 'fr-apprentissage-par-renforcement',
    term: 'Apprentissage par renforcement',
    definition:
      "Paradigme d'entraînement où un agent découvre, par essais et erreurs, une stratégie d'action qui maximise la somme des récompenses reçues de son environnement.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-classification',
    term: 'Classification',
    definition:
      "Tâche d'apprentissage supervisé qui consiste à attribuer à chaque observation une catégorie choisie parmi un ensemble fini, par exemple courriel légitime ou indésirable.",
    domain: 'Intelligence artificielle',
    level: 'beginner',
  },
  {
    key: 'fr-regression',
    term: 'Régression',
    definition:
      "Tâche d'apprentissage supervisé qui consiste à prédire une valeur numérique continue, comme le prix d'un logement, à partir des caractéristiques d'une observation.",
    domain: 'Intelligence artificielle',
    level: 'beginner',
  },
  {
    key: 'fr-partitionnement-de-donnees',
    term: 'Partitionnement de données',
    definition:
      "Tâche d'apprentissage non supervisé qui regroupe des observations en sous-ensembles homogènes, de sorte que les éléments d'un même groupe se ressemblent davantage qu'avec ceux des autres.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-traitement-automatique-du-langage-naturel',
    term: 'Traitement automatique du langage naturel',
    definition:
      "Branche de l'intelligence artificielle qui permet aux machines d'analyser, de comprendre et de produire des textes et des paroles humaines, pour des tâches comme la traduction ou le résumé.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-grand-modele-de-langage',
    term: 'Grand modèle de langage',
    definition:
      "Réseau de neurones de type transformeur, doté de milliards de paramètres et entraîné sur d'immenses corpus textuels à prédire le jeton suivant, capable de rédiger un texte fluide.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-transformeur',
    term: 'Transformeur',
    definition:
      "Architecture de réseau de neurones, introduite en 2017, qui traite une séquence entière en parallèle grâce à des couches d'auto-attention, sans récurrence ni convolution.",
    domain: 'Intelligence artificielle',
    level: 'advanced',
  },
  {
    key: 'fr-mecanisme-d-attention',
    term: "Mécanisme d'attention",
    definition:
      "Composant d'un réseau de neurones qui calcule, pour chaque élément d'une séquence, des poids de pertinence sur les autres éléments afin de privilégier les plus informatifs.",
    domain: 'Intelligence artificielle',
    level: 'expert',
  },
  {
    key: 'fr-plongement-lexical',
    term: 'Plongement lexical',
    definition:
      "Représentation d'un mot sous forme de vecteur dense de nombres réels, construite de sorte que des mots de sens voisin occupent des positions proches dans l'espace.",
    domain: 'Intelligence artificielle',
    level: 'advanced',
  },
  {
    key: 'fr-jeton',
    term: 'Jeton',
    definition:
      "Unité élémentaire de texte, mot entier, fragment de mot ou signe de ponctuation, issue du découpage d'une chaîne de caractères et traitée par un modèle de langage.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-hallucination',
    term: 'Hallucination',
    definition:
      "Production par un modèle génératif d'une réponse plausible en apparence mais factuellement fausse ou inventée, non étayée par ses données ou par les sources fournies.",
    domain: 'Intelligence artificielle',
    level: 'beginner',
  },
  {
    key: 'fr-generation-augmentee-par-recuperation',
    term: 'Génération augmentée par récupération',
    definition:
      "Technique où un modèle de langage interroge d'abord une base documentaire externe, puis s'appuie sur les passages retrouvés pour rédiger sa réponse, ce qui limite les hallucinations.",
    domain: 'Intelligence artificielle',
    level: 'advanced',
  },
  {
    key: 'fr-ontologie',
    term: 'Ontologie',
    definition:
      "Spécification formelle et explicite des concepts d'un domaine, de leurs propriétés et des relations qui les unissent, exploitable par des machines pour raisonner.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-taxonomie',
    term: 'Taxonomie',
    definition:
      'Classement hiérarchique de concepts en catégories emboîtées, chacune étant reliée à sa catégorie mère par une relation de généralisation.',
    domain: 'Intelligence artificielle',
    level: 'beginner',
  },
  {
    key: 'fr-graphe-de-connaissances',
    term: 'Graphe de connaissances',
    definition:
      "Représentation de faits sous forme d'entités reliées par des relations typées, organisée en triplets sujet-prédicat-objet interrogeables par des machines.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-base-de-connaissances',
    term: 'Base de connaissances',
    definition:
      "Ensemble structuré de faits et de règles décrivant un domaine, sur lequel un moteur d'inférence s'appuie pour tirer des conclusions.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-moteur-d-inference',
    term: "Moteur d'inférence",
    definition:
      "Composant d'un système expert qui applique des règles logiques aux faits connus pour en déduire de nouveaux, par chaînage avant ou par chaînage arrière.",
    domain: 'Intelligence artificielle',
    level: 'advanced',
  },
  {
    key: 'fr-vision-par-ordinateur',
    term: 'Vision par ordinateur',
    definition:
      "Branche de l'intelligence artificielle qui permet aux machines d'extraire des informations d'images et de vidéos, par exemple pour reconnaître des objets ou des visages.",
    domain: 'Intelligence artificielle',
    level: 'beginner',
  },
  {
    key: 'fr-reseau-de-neurones-convolutif',
    term: 'Réseau de neurones convolutif',
    definition:
      "Architecture d'apprentissage profond dont les couches appliquent des filtres locaux partagés sur une grille de pixels, particulièrement adaptée à l'analyse d'images.",
    domain: 'Intelligence artificielle',
    level: 'advanced',
  },
  {
    key: 'fr-ia-symbolique',
    term: 'IA symbolique',
    definition:
      'Approche qui représente les connaissances par des règles logiques et des structures explicites manipulées par un moteur de raisonnement, dominante des années 1950 aux années 1980.',
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-systeme-expert',
    term: 'Système expert',
    definition:
      "Programme qui reproduit le raisonnement d'un spécialiste humain dans un domaine restreint en appliquant des règles à une base de connaissances, comme MYCIN en médecine.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-agent-intelligent',
    term: 'Agent intelligent',
    definition:
      'Entité logicielle ou matérielle qui perçoit son environnement par des capteurs et agit sur lui de manière autonome pour atteindre ses objectifs.',
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-biais-algorithmique',
    term: 'Biais algorithmique',
    definition:
      "Distorsion systématique dans les résultats d'un système automatisé qui défavorise injustement certains groupes de personnes, souvent héritée de données d'entraînement déséquilibrées.",
    domain: 'Intelligence artificielle',
    level: 'beginner',
  },
  {
    key: 'fr-donnees-biaisees',
    term: 'Données biaisées',
    definition:
      "Ensemble d'exemples d'entraînement qui représente de façon déséquilibrée ou faussée la population réelle, par sous-représentation de certains groupes ou par erreurs d'étiquetage.",
    domain: 'Intelligence artificielle',
    level: 'beginner',
  },
  {
    key: 'fr-explicabilite',
    term: 'Explicabilité',
    definition:
      "Capacité d'un système d'intelligence artificielle à rendre compréhensibles par un humain les raisons de ses décisions ou de ses prédictions.",
    domain: 'Intelligence artificielle',
    level: 'advanced',
  },
  {
    key: 'fr-donnees-d-entrainement',
    term: "Données d'entraînement",
    definition:
      "Ensemble d'exemples fournis à un algorithme pour ajuster les paramètres d'un modèle, distinct des exemples réservés à sa validation et à son évaluation finale.",
    domain: 'Intelligence artificielle',
    level: 'beginner',
  },
  {
    key: 'fr-ia-generative',
    term: 'IA générative',
    definition:
      'Ensemble des systèmes capables de produire de nouveaux contenus (textes, images, sons ou code) en réponse à une requête, à partir de modèles entraînés sur de vastes corpus.',
    domain: 'Intelligence artificielle',
    level: 'beginner',
  },
  {
    key: 'fr-ia-faible',
    term: 'IA faible',
    definition:
      'Système informatique conçu pour exceller dans une tâche précise, comme jouer aux échecs ou traduire un texte, sans compréhension générale ni conscience.',
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  {
    key: 'fr-ia-forte',
    term: 'IA forte',
    definition:
      "Hypothèse d'une machine dotée d'un esprit, d'une conscience et d'une compréhension générale équivalents à ceux d'un humain, capable de s'attaquer à toute tâche cognitive.",
    domain: 'Intelligence artificielle',
    level: 'expert',
  },
  {
    key: 'fr-affinage',
    term: 'Affinage',
    definition:
      "Poursuite de l'entraînement d'un modèle préentraîné sur un jeu de données restreint et spécialisé, afin d'adapter son comportement à une tâche ou à un domaine précis.",
    domain: 'Intelligence artificielle',
    level: 'expert',
  },
  {
    key: 'fr-apprentissage-par-renforcement-a-partir-de-retroaction-humaine',
    term: 'Apprentissage par renforcement à partir de rétroaction humaine',
    definition:
      "Méthode d'alignement où un modèle de récompense, entraîné sur les préférences exprimées par des annotateurs, guide l'optimisation d'un modèle de langage par essais et erreurs.",
    domain: 'Intelligence artificielle',
    level: 'expert',
  },
  {
    key: 'fr-apprentissage-machine',
    term: 'Apprentissage machine',
    definition:
      "Calque de l'anglais désignant la discipline où un programme acquiert, à partir d'exemples, la capacité d'effectuer une tâche pour laquelle il n'a reçu aucune instruction explicite.",
    domain: 'Intelligence artificielle',
    level: 'beginner',
  },
  {
    key: 'fr-surajustement',
    term: 'Surajustement',
    definition:
      "Situation où un modèle trop complexe colle si étroitement aux exemples vus pendant l'entraînement que ses performances chutent sur des exemples inédits.",
    domain: 'Intelligence artificielle',
    level: 'intermediate',
  },
  // --- English ---
  {
    key: 'en-ai',
    term: 'Artificial Intelligence',
    definition:
      'Field of computer science devoted to building systems that perform tasks normally requiring human cognition, such as reasoning, learning, perception and understanding language.',
    domain: 'Artificial intelligence',
    level: 'beginner',
  },
  {
    key: 'en-machine-learning',
    term: 'Machine learning',
    definition:
      'Branch of AI in which algorithms improve at a task by extracting patterns from data instead of following rules written by a programmer.',
    domain: 'Artificial intelligence',
    level: 'beginner',
  },
  {
    key: 'en-deep-learning',
    term: 'Deep learning',
    definition:
      'Family of methods that train neural networks with many stacked layers, each layer turning the output of the previous one into a more abstract representation.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-neural-network',
    term: 'Neural network',
    definition:
      'Computational model made of interconnected processing units arranged in layers, whose connection weights are tuned during training to approximate a target function.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-artificial-neuron',
    term: 'Artificial neuron',
    definition:
      'Elementary processing unit that sums its weighted inputs, adds a bias term and passes the result through an activation function to produce its output.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-activation-function',
    term: 'Activation function',
    definition:
      "Nonlinear mapping, such as ReLU or the sigmoid, applied to a unit's weighted input sum; without it a stack of layers would collapse into a single linear transformation.",
    domain: 'Artificial intelligence',
    level: 'advanced',
  },
  {
    key: 'en-backpropagation',
    term: 'Backpropagation',
    definition:
      'Algorithm that computes the gradient of the loss with respect to every weight of a neural network by applying the chain rule layer by layer, from the output toward the input.',
    domain: 'Artificial intelligence',
    level: 'advanced',
  },
  {
    key: 'en-gradient-descent',
    term: 'Gradient descent',
    definition:
      "Iterative optimization method that updates a model's parameters in small steps against the slope of the loss function until it settles near a minimum.",
    domain: 'Artificial intelligence',
    level: 'advanced',
  },
  {
    key: 'en-loss-function',
    term: 'Loss function',
    definition:
      "Quantity measuring how far a model's predictions fall from the expected values; training adjusts the parameters to make it as small as possible. Cross-entropy is a common choice.",
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-overfitting',
    term: 'Overfitting',
    definition:
      'Failure mode in which a model memorizes noise and quirks of its training set, scoring well on seen examples but generalizing poorly to new data.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-underfitting',
    term: 'Underfitting',
    definition:
      'Failure mode in which a model is too simple to capture the structure of the data, so its error stays high on both the training set and unseen examples.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-regularization',
    term: 'Regularization',
    definition:
      "Set of techniques, such as weight decay or dropout, that constrain a model's effective complexity during training in order to reduce overfitting.",
    domain: 'Artificial intelligence',
    level: 'advanced',
  },
  {
    key: 'en-supervised-learning',
    term: 'Supervised learning',
    definition:
      'Training paradigm in which a model is fitted to input-output pairs labelled by humans, so that it can predict the correct output for new inputs.',
    domain: 'Artificial intelligence',
    level: 'beginner',
  },
  {
    key: 'en-unsupervised-learning',
    term: 'Unsupervised learning',
    definition:
      'Training paradigm in which a model uncovers groups, regularities or latent structure in data that carries no labels at all.',
    domain: 'Artificial intelligence',
    level: 'beginner',
  },
  {
    key: 'en-reinforcement-learning',
    term: 'Reinforcement learning',
    definition:
      'Training paradigm in which an agent discovers, through trial and error, a policy of actions that maximizes the cumulative reward it receives from its environment.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-classification',
    term: 'Classification',
    definition:
      'Supervised task of assigning each input to one category from a fixed set, for example deciding whether an email is spam or legitimate.',
    domain: 'Artificial intelligence',
    level: 'beginner',
  },
  {
    key: 'en-regression',
    term: 'Regression',
    definition:
      'Supervised task of predicting a continuous numerical value, such as a house price, from the features describing an observation.',
    domain: 'Artificial intelligence',
    level: 'beginner',
  },
  {
    key: 'en-clustering',
    term: 'Clustering',
    definition:
      'Unsupervised task of grouping observations so that members of the same group are more similar to each other than to members of other groups.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-natural-language-processing',
    term: 'Natural language processing',
    definition:
      'Field of AI that enables computers to analyse, interpret and produce human speech and text, covering tasks like translation, summarization and question answering.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-large-language-model',
    term: 'Large language model',
    definition:
      'Transformer-based neural network with billions of parameters, trained on vast text corpora to predict the next token and able to produce fluent text on demand.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-transformer',
    term: 'Transformer',
    definition:
      'Neural network architecture, introduced in 2017, that processes whole sequences in parallel using stacked self-attention layers rather than recurrence or convolution.',
    domain: 'Artificial intelligence',
    level: 'advanced',
  },
  {
    key: 'en-attention-mechanism',
    term: 'Attention mechanism',
    definition:
      'Network component that computes, for each element of a sequence, weighted relevance scores over the other elements so the model can focus on the most informative ones.',
    domain: 'Artificial intelligence',
    level: 'expert',
  },
  {
    key: 'en-word-embedding',
    term: 'Word embedding',
    definition:
      'Dense real-valued vector assigned to a lexical unit, learned so that units with similar meanings lie close together in the vector space.',
    domain: 'Artificial intelligence',
    level: 'advanced',
  },
  {
    key: 'en-token',
    term: 'Token',
    definition:
      'Basic unit of text, whether a whole word, a word fragment or a punctuation mark, produced by splitting a string before it is fed to a language model.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-hallucination',
    term: 'Hallucination',
    definition:
      'Output of a generative model that sounds plausible but is factually wrong or fabricated, unsupported by its training data or by the sources it was given.',
    domain: 'Artificial intelligence',
    level: 'beginner',
  },
  {
    key: 'en-retrieval-augmented-generation',
    term: 'Retrieval-augmented generation',
    definition:
      'Technique in which a language model first fetches relevant passages from an external document store and then grounds its answer in them, reducing fabricated content.',
    domain: 'Artificial intelligence',
    level: 'advanced',
  },
  {
    key: 'en-ontology',
    term: 'Ontology',
    definition:
      'Formal, explicit specification of the concepts of a domain, their properties and the relations between them, written so that machines can reason over it.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-taxonomy',
    term: 'Taxonomy',
    definition:
      'Hierarchical classification of concepts into nested categories, each linked to its parent category by a broader-narrower relation.',
    domain: 'Artificial intelligence',
    level: 'beginner',
  },
  {
    key: 'en-knowledge-graph',
    term: 'Knowledge graph',
    definition:
      'Network of real-world entities connected by typed relations, stored as subject-predicate-object triples that machines can query and reason over.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-knowledge-base',
    term: 'Knowledge base',
    definition:
      'Structured repository of facts and rules about a domain, from which an inference engine derives new conclusions.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-inference-engine',
    term: 'Inference engine',
    definition:
      'Component of an expert system that applies logical rules to known facts to derive new ones, using forward or backward chaining.',
    domain: 'Artificial intelligence',
    level: 'advanced',
  },
  {
    key: 'en-computer-vision',
    term: 'Computer vision',
    definition:
      'Field of AI that enables machines to extract meaning from images and video, for tasks such as object detection, face recognition and scene understanding.',
    domain: 'Artificial intelligence',
    level: 'beginner',
  },
  {
    key: 'en-convolutional-neural-network',
    term: 'Convolutional neural network',
    definition:
      'Deep learning architecture whose layers slide small shared filters across a grid of pixels, making it especially effective at analysing images.',
    domain: 'Artificial intelligence',
    level: 'advanced',
  },
  {
    key: 'en-symbolic-ai',
    term: 'Symbolic AI',
    definition:
      'Approach that represents knowledge with explicit rules, logic and structured representations manipulated by a reasoning engine; dominant from the 1950s to the 1980s.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-expert-system',
    term: 'Expert system',
    definition:
      'Program that emulates the decision-making of a human specialist in a narrow domain by applying rules to a knowledge base, as MYCIN did for infections.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-intelligent-agent',
    term: 'Intelligent agent',
    definition:
      'Software or physical entity that perceives its environment through sensors and acts on it autonomously to achieve its goals.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-algorithmic-bias',
    term: 'Algorithmic bias',
    definition:
      'Systematic distortion in the outputs of an automated system that unfairly disadvantages certain groups of people, frequently inherited from skewed training data.',
    domain: 'Artificial intelligence',
    level: 'beginner',
  },
  {
    key: 'en-biased-data',
    term: 'Biased data',
    definition:
      'Training examples that misrepresent the real population, for instance by under-representing some groups or carrying systematically wrong labels.',
    domain: 'Artificial intelligence',
    level: 'beginner',
  },
  {
    key: 'en-explainability',
    term: 'Explainability',
    definition:
      "Degree to which the reasons behind an AI system's decisions or predictions can be understood by a human.",
    domain: 'Artificial intelligence',
    level: 'advanced',
  },
  {
    key: 'en-training-data',
    term: 'Training data',
    definition:
      "Set of examples used to fit a model's parameters, kept separate from the examples reserved for validation and final evaluation.",
    domain: 'Artificial intelligence',
    level: 'beginner',
  },
  {
    key: 'en-generative-ai',
    term: 'Generative AI',
    definition:
      'Class of systems that produce new content, such as text, images, audio or code, in response to a prompt, using models trained on large corpora.',
    domain: 'Artificial intelligence',
    level: 'beginner',
  },
  {
    key: 'en-weak-ai',
    term: 'Weak AI',
    definition:
      'Computer system built to excel at one specific task, such as playing chess or translating text, without general understanding or consciousness.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-strong-ai',
    term: 'Strong AI',
    definition:
      "Hypothetical machine endowed with a mind, consciousness and general understanding equivalent to a human's, able to tackle any cognitive task.",
    domain: 'Artificial intelligence',
    level: 'expert',
  },
  {
    key: 'en-fine-tuning',
    term: 'Fine-tuning',
    definition:
      'Continued training of a pretrained model on a smaller, specialised dataset to adapt its behaviour to a particular task or domain.',
    domain: 'Artificial intelligence',
    level: 'expert',
  },
  {
    key: 'en-reinforcement-learning-from-human-feedback',
    term: 'Reinforcement learning from human feedback',
    definition:
      "Alignment method in which a reward model, trained on annotators' preferences between answers, guides the optimization of a language model by trial and error.",
    domain: 'Artificial intelligence',
    level: 'expert',
  },
  {
    key: 'en-cluster-analysis',
    term: 'Cluster analysis',
    definition:
      'Statistical discipline concerned with partitioning a set of observations into homogeneous groups without prior knowledge of the categories.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
  {
    key: 'en-narrow-ai',
    term: 'Narrow AI',
    definition:
      'Category of software whose competence is confined to a single well-defined problem, for example recognizing faces, and does not transfer to other problems.',
    domain: 'Artificial intelligence',
    level: 'intermediate',
  },
];

export const demoRelations: readonly DemoRelation[] = [
  // --- French ---
  { source: 'fr-apprentissage-automatique', target: 'fr-ia', type: 'is_a' },
  { source: 'fr-apprentissage-profond', target: 'fr-apprentissage-automatique', type: 'is_a' },
  { source: 'fr-apprentissage-supervise', target: 'fr-apprentissage-automatique', type: 'is_a' },
  { source: 'fr-apprentissage-non-supervise', target: 'fr-apprentissage-automatique', type: 'is_a' },
  { source: 'fr-apprentissage-par-renforcement', target: 'fr-apprentissage-automatique', type: 'is_a' },
  { source: 'fr-classification', target: 'fr-apprentissage-supervise', type: 'is_a' },
  { source: 'fr-regression', target: 'fr-apprentissage-supervise', type: 'is_a' },
  { source: 'fr-partitionnement-de-donnees', target: 'fr-apprentissage-non-supervise', type: 'is_a' },
  { source: 'fr-traitement-automatique-du-langage-naturel', target: 'fr-ia', type: 'is_a' },
  { source: 'fr-vision-par-ordinateur', target: 'fr-ia', type: 'is_a' },
  { source: 'fr-ia-symbolique', target: 'fr-ia', type: 'is_a' },
  { source: 'fr-systeme-expert', target: 'fr-ia-symbolique', type: 'is_a' },
  { source: 'fr-ia-generative', target: 'fr-ia', type: 'is_a' },
  { source: 'fr-grand-modele-de-langage', target: 'fr-ia-generative', type: 'is_a' },
  { source: 'fr-reseau-de-neurones-convolutif', target: 'fr-reseau-de-neurones', type: 'is_a' },
  { source: 'fr-transformeur', target: 'fr-reseau-de-neurones', type: 'is_a' },
  {
    source: 'fr-apprentissage-par-renforcement-a-partir-de-retroaction-humaine',
    target: 'fr-apprentissage-par-renforcement',
    type: 'is_a',
  },
  { source: 'fr-ia-faible', target: 'fr-ia', type: 'is_a' },
  { source: 'fr-ia-forte', target: 'fr-ia', type: 'is_a' },
  { source: 'fr-donnees-biaisees', target: 'fr-donnees-d-entrainement', type: 'is_a' },
  { source: 'fr-neurone-artificiel', target: 'fr-reseau-de-neurones', type: 'part_of' },
  { source: 'fr-fonction-d-activation', target: 'fr-neurone-artificiel', type: 'part_of' },
  { source: 'fr-mecanisme-d-attention', target: 'fr-transformeur', type: 'part_of' },
  { source: 'fr-transformeur', target: 'fr-grand-modele-de-langage', type: 'part_of' },
  { source: 'fr-plongement-lexical', target: 'fr-transformeur', type: 'part_of' },
  { source: 'fr-base-de-connaissances', target: 'fr-systeme-expert', type: 'part_of' },
  { source: 'fr-moteur-d-inference', target: 'fr-systeme-expert', type: 'part_of' },
  { source: 'fr-apprentissage-supervise', target: 'fr-apprentissage-non-supervise', type: 'opposes' },
  { source: 'fr-surapprentissage', target: 'fr-sous-apprentissage', type: 'opposes' },
  { source: 'fr-ia-faible', target: 'fr-ia-forte', type: 'opposes' },
  { source: 'fr-regularisation', target: 'fr-surapprentissage', type: 'opposes', strength: 0.8 },
  { source: 'fr-ia-symbolique', target: 'fr-apprentissage-profond', type: 'opposes', strength: 0.6 },
  {
    source: 'fr-generation-augmentee-par-recuperation',
    target: 'fr-hallucination',
    type: 'opposes',
    strength: 0.7,
  },
  { source: 'fr-donnees-biaisees', target: 'fr-biais-algorithmique', type: 'causes', strength: 0.9 },
  { source: 'fr-grand-modele-de-langage', target: 'fr-hallucination', type: 'causes', strength: 0.6 },
  { source: 'fr-affinage', target: 'fr-surapprentissage', type: 'causes', strength: 0.4 },
  { source: 'fr-regularisation', target: 'fr-sous-apprentissage', type: 'causes', strength: 0.3 },
  { source: 'fr-ia-symbolique', target: 'fr-apprentissage-automatique', type: 'precedes' },
  { source: 'fr-systeme-expert', target: 'fr-apprentissage-profond', type: 'precedes' },
  { source: 'fr-plongement-lexical', target: 'fr-transformeur', type: 'precedes' },
  { source: 'fr-fonction-de-perte', target: 'fr-retropropagation', type: 'precedes' },
  { source: 'fr-retropropagation', target: 'fr-descente-de-gradient', type: 'precedes' },
  { source: 'fr-jeton', target: 'fr-plongement-lexical', type: 'precedes' },
  {
    source: 'fr-affinage',
    target: 'fr-apprentissage-par-renforcement-a-partir-de-retroaction-humaine',
    type: 'precedes',
  },
  { source: 'fr-graphe-de-connaissances', target: 'fr-ontologie', type: 'influenced_by', strength: 0.8 },
  {
    source: 'fr-grand-modele-de-langage',
    target: 'fr-plongement-lexical',
    type: 'influenced_by',
    strength: 0.7,
  },
  { source: 'fr-ontologie', target: 'fr-taxonomie', type: 'influenced_by', strength: 0.7 },
  { source: 'fr-ia', target: 'fr-agent-intelligent', type: 'related_to', strength: 0.7 },
  { source: 'fr-ia', target: 'fr-ontologie', type: 'related_to', strength: 0.6 },
  { source: 'fr-ia', target: 'fr-explicabilite', type: 'related_to', strength: 0.7 },
  { source: 'fr-ia', target: 'fr-biais-algorithmique', type: 'related_to', strength: 0.6 },
  { source: 'fr-ia', target: 'fr-donnees-d-entrainement', type: 'related_to', strength: 0.7 },
  { source: 'fr-ia', target: 'fr-graphe-de-connaissances', type: 'related_to', strength: 0.6 },
  {
    source: 'fr-agent-intelligent',
    target: 'fr-apprentissage-par-renforcement',
    type: 'related_to',
    strength: 0.8,
  },
  { source: 'fr-ontologie', target: 'fr-ia-symbolique', type: 'related_to', strength: 0.7 },
  { source: 'fr-explicabilite', target: 'fr-apprentissage-profond', type: 'related_to', strength: 0.6 },
  { source: 'fr-donnees-d-entrainement', target: 'fr-surapprentissage', type: 'related_to', strength: 0.6 },
  {
    source: 'fr-donnees-d-entrainement',
    target: 'fr-apprentissage-supervise',
    type: 'related_to',
    strength: 0.8,
  },
  {
    source: 'fr-graphe-de-connaissances',
    target: 'fr-generation-augmentee-par-recuperation',
    type: 'related_to',
    strength: 0.6,
  },
  {
    source: 'fr-graphe-de-connaissances',
    target: 'fr-base-de-connaissances',
    type: 'related_to',
    strength: 0.8,
  },
  { source: 'fr-apprentissage-profond', target: 'fr-reseau-de-neurones', type: 'related_to', strength: 0.9 },
  { source: 'fr-reseau-de-neurones', target: 'fr-retropropagation', type: 'related_to', strength: 0.9 },
  {
    source: 'fr-apprentissage-automatique',
    target: 'fr-fonction-de-perte',
    type: 'related_to',
    strength: 0.8,
  },
  { source: 'fr-fonction-de-perte', target: 'fr-descente-de-gradient', type: 'related_to', strength: 0.9 },
  {
    source: 'fr-traitement-automatique-du-langage-naturel',
    target: 'fr-grand-modele-de-langage',
    type: 'related_to',
    strength: 0.9,
  },
  {
    source: 'fr-traitement-automatique-du-langage-naturel',
    target: 'fr-jeton',
    type: 'related_to',
    strength: 0.7,
  },
  {
    source: 'fr-traitement-automatique-du-langage-naturel',
    target: 'fr-plongement-lexical',
    type: 'related_to',
    strength: 0.8,
  },
  {
    source: 'fr-generation-augmentee-par-recuperation',
    target: 'fr-grand-modele-de-langage',
    type: 'related_to',
    strength: 0.9,
  },
  { source: 'fr-grand-modele-de-langage', target: 'fr-affinage', type: 'related_to', strength: 0.7 },
  { source: 'fr-ia-generative', target: 'fr-hallucination', type: 'related_to', strength: 0.8 },
  {
    source: 'fr-vision-par-ordinateur',
    target: 'fr-reseau-de-neurones-convolutif',
    type: 'related_to',
    strength: 0.9,
  },
  { source: 'fr-apprentissage-machine', target: 'fr-apprentissage-automatique', type: 'synonym' },
  { source: 'fr-surajustement', target: 'fr-surapprentissage', type: 'synonym' },
  // --- English ---
  { source: 'en-machine-learning', target: 'en-ai', type: 'is_a' },
  { source: 'en-deep-learning', target: 'en-machine-learning', type: 'is_a' },
  { source: 'en-supervised-learning', target: 'en-machine-learning', type: 'is_a' },
  { source: 'en-unsupervised-learning', target: 'en-machine-learning', type: 'is_a' },
  { source: 'en-reinforcement-learning', target: 'en-machine-learning', type: 'is_a' },
  { source: 'en-classification', target: 'en-supervised-learning', type: 'is_a' },
  { source: 'en-regression', target: 'en-supervised-learning', type: 'is_a' },
  { source: 'en-clustering', target: 'en-unsupervised-learning', type: 'is_a' },
  { source: 'en-natural-language-processing', target: 'en-ai', type: 'is_a' },
  { source: 'en-computer-vision', target: 'en-ai', type: 'is_a' },
  { source: 'en-symbolic-ai', target: 'en-ai', type: 'is_a' },
  { source: 'en-expert-system', target: 'en-symbolic-ai', type: 'is_a' },
  { source: 'en-generative-ai', target: 'en-ai', type: 'is_a' },
  { source: 'en-large-language-model', target: 'en-generative-ai', type: 'is_a' },
  { source: 'en-convolutional-neural-network', target: 'en-neural-network', type: 'is_a' },
  { source: 'en-transformer', target: 'en-neural-network', type: 'is_a' },
  {
    source: 'en-reinforcement-learning-from-human-feedback',
    target: 'en-reinforcement-learning',
    type: 'is_a',
  },
  { source: 'en-weak-ai', target: 'en-ai', type: 'is_a' },
  { source: 'en-strong-ai', target: 'en-ai', type: 'is_a' },
  { source: 'en-biased-data', target: 'en-training-data', type: 'is_a' },
  { source: 'en-artificial-neuron', target: 'en-neural-network', type: 'part_of' },
  { source: 'en-activation-function', target: 'en-artificial-neuron', type: 'part_of' },
  { source: 'en-attention-mechanism', target: 'en-transformer', type: 'part_of' },
  { source: 'en-transformer', target: 'en-large-language-model', type: 'part_of' },
  { source: 'en-word-embedding', target: 'en-transformer', type: 'part_of' },
  { source: 'en-knowledge-base', target: 'en-expert-system', type: 'part_of' },
  { source: 'en-inference-engine', target: 'en-expert-system', type: 'part_of' },
  { source: 'en-supervised-learning', target: 'en-unsupervised-learning', type: 'opposes' },
  { source: 'en-overfitting', target: 'en-underfitting', type: 'opposes' },
  { source: 'en-weak-ai', target: 'en-strong-ai', type: 'opposes' },
  { source: 'en-regularization', target: 'en-overfitting', type: 'opposes', strength: 0.8 },
  { source: 'en-symbolic-ai', target: 'en-deep-learning', type: 'opposes', strength: 0.6 },
  { source: 'en-retrieval-augmented-generation', target: 'en-hallucination', type: 'opposes', strength: 0.7 },
  { source: 'en-biased-data', target: 'en-algorithmic-bias', type: 'causes', strength: 0.9 },
  { source: 'en-large-language-model', target: 'en-hallucination', type: 'causes', strength: 0.6 },
  { source: 'en-fine-tuning', target: 'en-overfitting', type: 'causes', strength: 0.4 },
  { source: 'en-regularization', target: 'en-underfitting', type: 'causes', strength: 0.3 },
  { source: 'en-symbolic-ai', target: 'en-machine-learning', type: 'precedes' },
  { source: 'en-expert-system', target: 'en-deep-learning', type: 'precedes' },
  { source: 'en-word-embedding', target: 'en-transformer', type: 'precedes' },
  { source: 'en-loss-function', target: 'en-backpropagation', type: 'precedes' },
  { source: 'en-backpropagation', target: 'en-gradient-descent', type: 'precedes' },
  { source: 'en-token', target: 'en-word-embedding', type: 'precedes' },
  { source: 'en-fine-tuning', target: 'en-reinforcement-learning-from-human-feedback', type: 'precedes' },
  { source: 'en-knowledge-graph', target: 'en-ontology', type: 'influenced_by', strength: 0.8 },
  { source: 'en-large-language-model', target: 'en-word-embedding', type: 'influenced_by', strength: 0.7 },
  { source: 'en-ontology', target: 'en-taxonomy', type: 'influenced_by', strength: 0.7 },
  { source: 'en-ai', target: 'en-intelligent-agent', type: 'related_to', strength: 0.7 },
  { source: 'en-ai', target: 'en-ontology', type: 'related_to', strength: 0.6 },
  { source: 'en-ai', target: 'en-explainability', type: 'related_to', strength: 0.7 },
  { source: 'en-ai', target: 'en-algorithmic-bias', type: 'related_to', strength: 0.6 },
  { source: 'en-ai', target: 'en-training-data', type: 'related_to', strength: 0.7 },
  { source: 'en-ai', target: 'en-knowledge-graph', type: 'related_to', strength: 0.6 },
  { source: 'en-intelligent-agent', target: 'en-reinforcement-learning', type: 'related_to', strength: 0.8 },
  { source: 'en-ontology', target: 'en-symbolic-ai', type: 'related_to', strength: 0.7 },
  { source: 'en-explainability', target: 'en-deep-learning', type: 'related_to', strength: 0.6 },
  { source: 'en-training-data', target: 'en-overfitting', type: 'related_to', strength: 0.6 },
  { source: 'en-training-data', target: 'en-supervised-learning', type: 'related_to', strength: 0.8 },
  {
    source: 'en-knowledge-graph',
    target: 'en-retrieval-augmented-generation',
    type: 'related_to',
    strength: 0.6,
  },
  { source: 'en-knowledge-graph', target: 'en-knowledge-base', type: 'related_to', strength: 0.8 },
  { source: 'en-deep-learning', target: 'en-neural-network', type: 'related_to', strength: 0.9 },
  { source: 'en-neural-network', target: 'en-backpropagation', type: 'related_to', strength: 0.9 },
  { source: 'en-machine-learning', target: 'en-loss-function', type: 'related_to', strength: 0.8 },
  { source: 'en-loss-function', target: 'en-gradient-descent', type: 'related_to', strength: 0.9 },
  {
    source: 'en-natural-language-processing',
    target: 'en-large-language-model',
    type: 'related_to',
    strength: 0.9,
  },
  { source: 'en-natural-language-processing', target: 'en-token', type: 'related_to', strength: 0.7 },
  {
    source: 'en-natural-language-processing',
    target: 'en-word-embedding',
    type: 'related_to',
    strength: 0.8,
  },
  {
    source: 'en-retrieval-augmented-generation',
    target: 'en-large-language-model',
    type: 'related_to',
    strength: 0.9,
  },
  { source: 'en-large-language-model', target: 'en-fine-tuning', type: 'related_to', strength: 0.7 },
  { source: 'en-generative-ai', target: 'en-hallucination', type: 'related_to', strength: 0.8 },
  {
    source: 'en-computer-vision',
    target: 'en-convolutional-neural-network',
    type: 'related_to',
    strength: 0.9,
  },
  { source: 'en-cluster-analysis', target: 'en-clustering', type: 'synonym' },
  { source: 'en-narrow-ai', target: 'en-weak-ai', type: 'synonym' },
  { source: 'en-narrow-ai', target: 'en-strong-ai', type: 'opposes' },
  // --- Cross-language links (French -> English counterpart) ---
  { source: 'fr-ia', target: 'en-ai', type: 'related_to', strength: 1 },
  { source: 'fr-apprentissage-automatique', target: 'en-machine-learning', type: 'related_to', strength: 1 },
  { source: 'fr-apprentissage-profond', target: 'en-deep-learning', type: 'related_to', strength: 1 },
  { source: 'fr-reseau-de-neurones', target: 'en-neural-network', type: 'related_to', strength: 1 },
  {
    source: 'fr-traitement-automatique-du-langage-naturel',
    target: 'en-natural-language-processing',
    type: 'related_to',
    strength: 1,
  },
  {
    source: 'fr-grand-modele-de-langage',
    target: 'en-large-language-model',
    type: 'related_to',
    strength: 1,
  },
  { source: 'fr-ontologie', target: 'en-ontology', type: 'related_to', strength: 1 },
  { source: 'fr-graphe-de-connaissances', target: 'en-knowledge-graph', type: 'related_to', strength: 1 },
  { source: 'fr-hallucination', target: 'en-hallucination', type: 'related_to', strength: 1 },
  {
    source: 'fr-generation-augmentee-par-recuperation',
    target: 'en-retrieval-augmented-generation',
    type: 'related_to',
    strength: 1,
  },
  { source: 'fr-biais-algorithmique', target: 'en-algorithmic-bias', type: 'related_to', strength: 1 },
];
